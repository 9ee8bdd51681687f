package web

import (
	"testing"

	"niaga"
)

// FuzzReadStatement: any upload read as a bank statement (the CSV reader,
// then the statement's layout) is parsed or refused as invalid or too
// large; no panic.
func FuzzReadStatement(f *testing.F) {
	for _, s := range []string{
		"No. rekening : ;0123456789\nPeriode : ;01/03/2026 - 31/03/2026\n\nTanggal Transaksi;Keterangan;Cabang;Jumlah;;Saldo\n'02/03;TRSF CR 0000010000004220;'0998;1.000.000,00;CR;11.000.000,00\nSaldo Awal;:;10.000.000,00\n",
		"Date,Description,Reference No.,Debit,Credit\n2026-03-02,\"TRSF, 0000 0100 0000 4220\",FT1,,\"1,000,000.00\"\n",
		"Tanggal;Keterangan;Jumlah\n\"x",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		table, err := readCSV(data)
		if err == nil {
			_, err = niaga.ParseStatement(table)
		}
		if c := niaga.ErrorCode(err); err != nil && c != niaga.CodeInvalid && c != niaga.CodeTooLarge {
			t.Fatalf("%q: %v", data, err)
		}
	})
}
