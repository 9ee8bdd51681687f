package web

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"path"
	"strings"
	"unicode/utf8"

	"niaga"
	"niaga/store"

	"github.com/xuri/excelize/v2"
)

// maxImportBytes caps an uploaded spreadsheet.
const maxImportBytes = 10 << 20

const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// uploadFormats are the content types an upload may be sent in, with the
// format each holds; multipart/form-data carries the file in uploadField.
var uploadFormats = map[string]string{"text/csv": "csv", "application/csv": "csv", "text/plain": "csv", xlsxType: "xlsx"}

// uploadField is the form field of a multipart upload that holds the file.
const uploadField = "file"

// ImportProblem is the problem document of a refused import: every bad
// row with its number and column; nothing was written.
type ImportProblem struct {
	Problem
	Rows []store.ImportRowError `json:"rows" doc:"Every wrong row of the file with its column and reason."`
}

// uploadCall reads what every upload route takes: the {id} of the path,
// the table of the CSV or XLSX body, and ?dry_run (true: check, write nothing).
func uploadCall(c *Call) (id int64, table [][]string, dry bool, err error) {
	if id, err = c.ID("id"); err != nil {
		return 0, nil, false, err
	}
	switch c.R.URL.Query().Get("dry_run") {
	case "", "false":
	case "true":
		dry = true
	default:
		return 0, nil, false, niaga.Invalid("dry_run", "true or false")
	}
	table, err = readUpload(c.R)
	return id, table, dry, err
}

// importRows reads a CSV or XLSX upload and imports it in one transaction.
func (s *Server) importRows(c *Call, kind string) error {
	id, table, dry, err := uploadCall(c)
	if err != nil {
		return err
	}
	res, err := s.db.ImportMissionRows(c, c.Actor, id, kind, table, dry)
	if niaga.ErrorCode(err) == niaga.CodeImportRejected {
		p := ImportProblem{Problem: ProblemOf(err, requestID(c.R)), Rows: res.Errors}
		b, _ := json.Marshal(p)
		c.W.Header().Set("Content-Type", "application/problem+json")
		c.W.Header().Set("Cache-Control", "no-store")
		c.W.WriteHeader(p.Status)
		c.W.Write(append(b, '\n'))
		return nil
	}
	if err != nil {
		return err
	}
	writeJSON(c.W, http.StatusOK, res)
	return nil
}

// readUpload returns the rows of an uploaded table: a CSV or XLSX body, or
// a multipart form with the file in field "file". Row i of the result is
// spreadsheet row i+1, so reported row numbers match what people see.
func readUpload(r *http.Request) ([][]string, error) {
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil {
		return nil, unsupportedUpload()
	}
	body := http.MaxBytesReader(nil, r.Body, maxImportBytes)
	var data []byte
	format, ok := uploadFormats[mt]
	switch {
	case ok:
	case mt == "multipart/form-data":
		data, format, err = multipartFile(body, params["boundary"])
		if err != nil {
			return nil, err
		}
	default:
		return nil, unsupportedUpload()
	}
	if data == nil {
		if data, err = io.ReadAll(body); err != nil {
			return nil, uploadReadError(err)
		}
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, niaga.Invalid("file", "empty")
	}
	if format == "xlsx" {
		return readXLSX(data)
	}
	return readCSV(data)
}

func unsupportedUpload() error {
	return &niaga.Error{Code: niaga.CodeUnsupportedMedia, Message: "send text/csv, " + xlsxType + " or multipart/form-data with a file field",
		Fields: []niaga.FieldError{{Field: "Content-Type", Reason: "must be text/csv, XLSX or multipart/form-data"}}}
}

func uploadReadError(err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return &niaga.Error{Code: niaga.CodeTooLarge, Message: fmt.Sprintf("file larger than %d bytes", maxImportBytes),
			Fields: []niaga.FieldError{{Field: "file", Reason: "too large"}}}
	}
	return niaga.Invalid("file", "could not be read")
}

// multipartFile finds the "file" part; its name's extension or content
// type tells CSV from XLSX.
func multipartFile(body io.Reader, boundary string) ([]byte, string, error) {
	if boundary == "" {
		return nil, "", unsupportedUpload()
	}
	mr := multipart.NewReader(body, boundary)
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			return nil, "", niaga.Invalid("file", "required: a form field named file")
		}
		if err != nil {
			return nil, "", uploadReadError(err)
		}
		if part.FormName() != uploadField {
			continue
		}
		data, err := io.ReadAll(part)
		if err != nil {
			return nil, "", uploadReadError(err)
		}
		ext := strings.ToLower(path.Ext(part.FileName()))
		switch {
		case ext == ".xlsx" || part.Header.Get("Content-Type") == xlsxType:
			return data, "xlsx", nil
		case ext == ".csv" || ext == ".txt" || ext == "":
			return data, "csv", nil
		}
		return nil, "", niaga.Invalid("file", "must be a .csv or .xlsx file")
	}
}

// readCSV parses comma- or semicolon-separated UTF-8 text (spreadsheets in
// Indonesian locales save with semicolons).
func readCSV(data []byte) ([][]string, error) {
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	if !utf8.Valid(data) {
		return nil, niaga.Invalid("file", "must be UTF-8 text (save the CSV as UTF-8)")
	}
	first, _, _ := bytes.Cut(data, []byte("\n"))
	cr := csv.NewReader(bytes.NewReader(data))
	if bytes.Count(first, []byte(";")) > bytes.Count(first, []byte(",")) {
		cr.Comma = ';'
	}
	cr.FieldsPerRecord = -1
	var table [][]string
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, niaga.Invalid("file", fmt.Sprintf("row %d: %v", pe.StartLine, pe.Err))
			}
			return nil, niaga.Invalid("file", "not a CSV file")
		}
		line, _ := cr.FieldPos(0)
		for len(table) < line-1 { // blank lines are rows too
			table = append(table, nil)
		}
		if len(table) > store.MaxImportRows+1 {
			return nil, niaga.Errorf(niaga.CodeTooLarge, "at most %d rows per import", store.MaxImportRows)
		}
		table = append(table, rec)
	}
	return table, nil
}

// readXLSX reads the first sheet with raw cell values.
func readXLSX(data []byte) ([][]string, error) {
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: 64 << 20, UnzipXMLSizeLimit: 16 << 20})
	if err != nil {
		return nil, niaga.Invalid("file", "not an XLSX workbook")
	}
	defer f.Close() //nolint:errcheck // a workbook read from memory
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, niaga.Invalid("file", "the workbook has no sheet")
	}
	rows, err := f.GetRows(sheets[0], excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, niaga.Invalid("file", "the first sheet could not be read")
	}
	if len(rows) > store.MaxImportRows+1 {
		return nil, niaga.Errorf(niaga.CodeTooLarge, "at most %d rows per import", store.MaxImportRows)
	}
	return rows, nil
}
