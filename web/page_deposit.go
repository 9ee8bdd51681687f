package web

import (
	"encoding/json"
	"net/http"
	"strconv"

	"niaga"
	"niaga/store"
)

// Pages of paying deposits in: the organizer's payment instructions (a
// form on the market page) and the reconciliation of a bank statement
// (upload, preview, confirm). The rules are the store's; these handlers
// read forms and render.

// pageMarketPayment sets the market's payment instructions.
func (s *Server) pageMarketPayment(c *PageCall) error {
	id, err := c.ID("id")
	if err != nil {
		return err
	}
	f := c.R.PostForm
	in := niaga.PaymentInstructions{Bank: f.Get("bank"), AccountNumber: f.Get("account_number"), AccountHolder: f.Get("account_holder")}
	if _, err := s.db.SetPaymentInstructions(c, c.Actor, id, in); err != nil {
		c.Fail(err)
		return s.pageMarket(c)
	}
	return c.Redirect("/markets/"+strconv.FormatInt(id, 10)+"#payment", "flash.payment_saved")
}

type statementData struct {
	Market    niaga.Market
	Result    *store.Reconciliation
	Statement string // the previewed statement's table as JSON, sent back to confirm it
	Order     []string
}

// statementOrder lists the outcomes in the order the summary shows them.
var statementOrder = []string{store.LineCredit, store.LineAlready, store.LineDuplicate, store.LineUnmatched, store.LineIgnored, store.LineMalformed}

func (s *Server) statementPage(c *PageCall, status int, d statementData) error {
	d.Order = statementOrder
	return c.Render(status, "statement", "statement.title", d, func(v *view) { v.Title = v.T("statement.title") + " · " + d.Market.Name })
}

// pageStatement is the upload form of a bank statement.
func (s *Server) pageStatement(c *PageCall) error {
	m, err := s.organizedMarket(c)
	if err != nil {
		return err
	}
	return s.statementPage(c, http.StatusOK, statementData{Market: m})
}

// organizedMarket reads the market of the path for its organizer (the
// store decides again when importing).
func (s *Server) organizedMarket(c *PageCall) (niaga.Market, error) {
	id, err := c.ID("id")
	if err != nil {
		return niaga.Market{}, err
	}
	m, err := s.db.Market(c, id)
	if err != nil {
		return m, err
	}
	if !c.Actor.Organizes(m.OrganizerOrgID) {
		return m, niaga.Errorf(niaga.CodeForbidden, "only the market's organizer reconciles its statements")
	}
	return m, nil
}

// pageStatementPost previews an uploaded statement, or credits a previewed
// one when the confirmation form sends it back.
func (s *Server) pageStatementPost(c *PageCall) error {
	m, err := s.organizedMarket(c)
	if err != nil {
		return err
	}
	d := statementData{Market: m}
	var table [][]string
	confirm := c.R.PostForm.Get("confirm") == "1"
	if text := c.R.PostForm.Get("statement"); confirm && text != "" {
		if json.Unmarshal([]byte(text), &table) != nil {
			err = niaga.Invalid("statement", "could not be read")
		}
	} else {
		confirm = false
		table, err = readUpload(c.R)
	}
	var st niaga.Statement
	if err == nil {
		st, err = niaga.ParseStatement(table)
	}
	var res store.Reconciliation
	if err == nil {
		res, err = s.db.ReconcileStatement(c, c.Actor, m.ID, st, !confirm)
	}
	if err != nil {
		c.Fail(err)
		c.FieldAs("file", "statement")
		return s.statementPage(c, 0, d) // 422 with the error, as every form
	}
	d.Result = &res
	if !confirm && res.Counts[store.LineCredit] > 0 {
		b, err := json.Marshal(table) // the table as read: the confirmation credits what was previewed
		if err != nil {
			return err
		}
		d.Statement = string(b)
	}
	return s.statementPage(c, http.StatusOK, d)
}
