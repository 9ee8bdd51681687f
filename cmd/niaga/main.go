// Command niaga runs the Niaga platform: the server, migrations, the demo,
// account administration and the audit check.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"time"

	"niaga"
	"niaga/auth"
	"niaga/demo"
	"niaga/files"
	"niaga/mail"
	"niaga/store"
	"niaga/web"
)

const usage = `niaga — integrated commodity auction market and trade missions

Usage:
  niaga serve            run the server
  niaga demo             run the server on a fresh database filled with demo data
  niaga migrate          bring the database schema up to date
  niaga user add         add a user        (--email --name --role --org --password)
  niaga user set-password                  (--email --password)
  niaga user token       print a new API token for a user (--email --name)
  niaga user deactivate  deactivate a user: sessions and tokens stop working (--email)
  niaga user activate    reactivate a user (--email)
  niaga audit verify     recompute the audit hash chain
  niaga backup --out F   consistent online copy of the SQLite database
  niaga restore --from F check a backup and put it in place of --db (server stopped; --force)
  niaga openapi          print the API's OpenAPI document (--out F to write it to a file)
  niaga version          print the version

Common flags (or NIAGA_* environment variables):
  --db    SQLite file path or postgres:// URL (NIAGA_DB, default niaga.db)
  --addr  listen address (NIAGA_ADDR, default 127.0.0.1:8080)
  --sync  SQLite durability: normal (survives a killed process) or full (survives power loss) (NIAGA_SYNC)
  --smtp-url   serve: where mail goes, smtp://user:pass@host:587?from=addr, smtps://…, or log (NIAGA_SMTP_URL; demo: log)
  --files-dir  serve: directory of uploaded documents (NIAGA_FILES_DIR, default niaga-files beside the database)
  --public-url serve: the site's address for links in mail (NIAGA_PUBLIC_URL, default http://<addr>)
  --trusted-proxies  CIDRs/addresses of reverse proxies whose X-Forwarded-For is believed (NIAGA_TRUSTED_PROXIES)
`

func main() {
	if err := run(context.Background(), os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "niaga:", err)
		os.Exit(1)
	}
}

// config holds the flags shared by the subcommands.
type config struct {
	db, readDB, addr, sync, logLevel string
	trustedProxies                   string
	secure                           bool
}

func env(name, def string) string {
	if v := os.Getenv("NIAGA_" + name); v != "" {
		return v
	}
	return def
}

// envInt is an integer NIAGA_* variable, or def when unset or not a number.
func envInt(name string, def int) int {
	if n, err := strconv.Atoi(env(name, "")); err == nil {
		return n
	}
	return def
}

func (c *config) flags(fs *flag.FlagSet, dbDefault string) {
	fs.StringVar(&c.db, "db", env("DB", dbDefault), "SQLite file path or postgres:// URL")
	fs.StringVar(&c.readDB, "read-db", env("READ_DB", ""), "optional postgres:// URL of a read replica for reports and price history")
	fs.StringVar(&c.addr, "addr", env("ADDR", "127.0.0.1:8080"), "listen address")
	fs.StringVar(&c.sync, "sync", env("SYNC", "normal"), "SQLite durability: normal or full")
	fs.StringVar(&c.logLevel, "log", env("LOG", "info"), "log level: debug, info, warn, error")
	fs.StringVar(&c.trustedProxies, "trusted-proxies", env("TRUSTED_PROXIES", ""), "comma-separated CIDRs or addresses of reverse proxies whose X-Forwarded-For is believed")
	fs.BoolVar(&c.secure, "secure-cookies", env("SECURE_COOKIES", "") == "true", "mark cookies Secure (behind TLS)")
}

func (c *config) logger() *slog.Logger {
	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(c.logLevel)); err != nil {
		fmt.Fprintf(os.Stderr, "niaga: %v; logging at info\n", err)
	}
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: lvl}))
}

func (c *config) open(ctx context.Context, log *slog.Logger) (*store.DB, error) {
	if c.sync != "normal" && c.sync != "full" {
		return nil, fmt.Errorf("--sync must be normal or full")
	}
	db, err := store.Open(ctx, c.db, store.Options{SyncFull: c.sync == "full", Logger: log})
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", redact(c.db), err)
	}
	if err := db.Migrate(ctx); err != nil {
		closeLogged(db, "database")
		return nil, fmt.Errorf("migrate: %w", err)
	}
	if err := db.SeedCommodities(ctx); err != nil {
		closeLogged(db, "database")
		return nil, err
	}
	return db, nil
}

// redact hides a password in a database URL.
// closeLogged closes c when a command ends. Every write has committed by
// then, so an error closing loses nothing; it is logged.
func closeLogged(c io.Closer, what string) {
	if err := c.Close(); err != nil {
		slog.Warn("close "+what, "err", err)
	}
}

func redact(dsn string) string {
	if i := strings.Index(dsn, "@"); i > 0 && strings.Contains(dsn, "://") {
		return dsn[:strings.Index(dsn, "://")+3] + "…" + dsn[i:]
	}
	return dsn
}

func run(ctx context.Context, args []string) error {
	if len(args) == 0 {
		fmt.Print(usage)
		return nil
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "serve":
		return serve(ctx, rest, false)
	case "demo":
		return serve(ctx, rest, true)
	case "migrate":
		var c config
		fs := flag.NewFlagSet("migrate", flag.ExitOnError)
		c.flags(fs, "niaga.db")
		if err := fs.Parse(rest); err != nil {
			return err
		}
		db, err := c.open(ctx, c.logger())
		if err != nil {
			return err
		}
		defer closeLogged(db, "database")
		fmt.Println("schema up to date on", db.Engine)
		return nil
	case "user":
		return userCmd(ctx, rest)
	case "report":
		return reportCmd(ctx, rest)
	case "audit":
		return auditCmd(ctx, rest)
	case "backup":
		return backupCmd(ctx, rest)
	case "restore":
		return restoreCmd(ctx, rest)
	case "bench":
		return benchCmd(ctx, rest)
	case "openapi":
		return openapiCmd(ctx, rest)
	case "version":
		fmt.Println("niaga", version())
		return nil
	case "help", "-h", "--help":
		fmt.Print(usage)
		return nil
	}
	return fmt.Errorf("unknown command %q (try niaga help)", cmd)
}

func version() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				return bi.Main.Version + " " + s.Value[:12]
			}
		}
		return bi.Main.Version
	}
	return "(devel)"
}

func serve(ctx context.Context, args []string, isDemo bool) error {
	var c config
	fs := flag.NewFlagSet("serve", flag.ExitOnError)
	dbDefault := "niaga.db"
	if isDemo {
		dbDefault = "niaga-demo.db"
	}
	c.flags(fs, dbDefault)
	streamsPerAddr := fs.Int("streams-per-address", envInt("STREAMS_PER_ADDRESS", web.DefaultStreamsPerAddress), "open event streams one client address may hold (0: no limit; raise it for a venue behind one NAT)")
	smtpURL := fs.String("smtp-url", env("SMTP_URL", map[bool]string{true: "log"}[isDemo]), "where mail goes: smtp://user:pass@host:587?from=addr, smtps://…, or log (write mail to the log); empty: mail waits in the outbox")
	filesDir := fs.String("files-dir", env("FILES_DIR", ""), "directory of uploaded documents, kept outside the database (default: niaga-files beside a SQLite database, else ./niaga-files)")
	publicURL := fs.String("public-url", env("PUBLIC_URL", ""), "the site's address as users reach it, for links in mail (default http://<addr>)")
	streamsPerUser := fs.Int("streams-per-user", envInt("STREAMS_PER_USER", web.DefaultStreamsPerUser), "open event streams one signed-in user may hold (0: no limit)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	log := c.logger()
	trusted, err := web.ParseTrustedProxies(c.trustedProxies)
	if err != nil {
		return fmt.Errorf("--trusted-proxies: %w", err)
	}
	if isDemo && !strings.Contains(c.db, "://") {
		for _, suffix := range []string{"", "-wal", "-shm"} {
			if err := os.Remove(c.db + suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
				return err
			}
		}
	}
	db, err := c.open(ctx, log)
	if err != nil {
		return err
	}
	defer closeLogged(db, "database")
	if isDemo {
		if _, err := demo.Seed(ctx, db, time.Now()); err != nil {
			return fmt.Errorf("demo data: %w", err)
		}
		log.Info("demo data ready", "admin", demo.Admin, "password", demo.Password)
	}
	var replica *store.DB
	if c.readDB != "" {
		if replica, err = store.Open(ctx, c.readDB, store.Options{Logger: log}); err != nil {
			return fmt.Errorf("open read replica %s: %w", redact(c.readDB), err)
		}
		defer closeLogged(replica, "read replica")
	}
	if *publicURL == "" {
		*publicURL = "http://" + c.addr
	}
	if *filesDir == "" {
		*filesDir = "niaga-files"
		if !strings.Contains(c.db, "://") {
			*filesDir = filepath.Join(filepath.Dir(c.db), "niaga-files")
		}
	}
	docs, err := files.Open(*filesDir)
	if err != nil {
		return fmt.Errorf("--files-dir: %w", err)
	}
	srv := web.New(web.Config{DB: db, Replica: replica, Logger: log, SecureCookies: c.secure, TrustedProxies: trusted, PublicURL: *publicURL, Files: docs})
	srv.LimitStreams(*streamsPerAddr, *streamsPerUser)
	ln, err := net.Listen("tcp", c.addr)
	if err != nil {
		return err
	}
	baseCtx, cancelBase := context.WithCancel(context.Background())
	defer cancelBase()
	hs := &http.Server{
		Handler:           srv.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second, // streams extend their own deadline
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		BaseContext:       func(net.Listener) context.Context { return baseCtx },
	}
	go srv.RunBackground(baseCtx)
	if *smtpURL == "" {
		log.Warn("no --smtp-url: mail (password reset links) waits in the outbox until one is set")
	} else {
		sender, err := mail.NewSender(*smtpURL, log)
		if err != nil {
			return fmt.Errorf("--smtp-url: %w", err)
		}
		go (&mail.Mailer{DB: db, Sender: sender, Log: log}).Run(baseCtx, time.Second)
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	log.Info("niaga serving", "addr", "http://"+ln.Addr().String(), "engine", db.Engine, "version", version())
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	cancelBase() // ends event streams so Shutdown need not wait for them
	shutCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := hs.Shutdown(shutCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

func userCmd(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("user: add, set-password, token, deactivate or activate")
	}
	var c config
	fs := flag.NewFlagSet("user "+args[0], flag.ExitOnError)
	c.flags(fs, "niaga.db")
	email := fs.String("email", "", "user email")
	name := fs.String("name", "", "user name (add) or token name (token)")
	role := fs.String("role", "business", "role: admin, agency, organizer, business, bank, public")
	org := fs.Int64("org", 0, "organization id (add; 0 creates an organization named after --name)")
	province := fs.String("province", "31", "province code for a new organization")
	password := fs.String("password", os.Getenv("NIAGA_PASSWORD"), "password (or NIAGA_PASSWORD)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	db, err := c.open(ctx, c.logger())
	if err != nil {
		return err
	}
	defer closeLogged(db, "database")
	switch args[0] {
	case "add":
		if len(*password) < 10 {
			return fmt.Errorf("--password must have at least 10 characters")
		}
		hash, err := auth.HashPassword(*password)
		if err != nil {
			return err
		}
		if *org == 0 {
			kind := map[string]niaga.OrgKind{"admin": niaga.OrgAgency, "agency": niaga.OrgAgency, "organizer": niaga.OrgOrganizer, "bank": niaga.OrgBank}[*role]
			if kind == "" {
				kind = niaga.OrgBusiness
			}
			o := niaga.Organization{Name: *name, Kind: kind, Province: *province, Verified: true}
			if err := db.CreateOrganization(ctx, nil, &o); err != nil {
				return err
			}
			*org = o.ID
		}
		u, err := db.CreateUser(ctx, nil, store.NewUser{Email: *email, Name: *name, PasswordHash: hash, Role: niaga.Role(*role), OrgID: *org})
		if err != nil {
			return err
		}
		fmt.Printf("user %d %s (%s) in organization %d\n", u.ID, u.Email, u.Role, u.OrgID)
	case "set-password":
		if len(*password) < 10 {
			return fmt.Errorf("--password must have at least 10 characters")
		}
		hash, err := auth.HashPassword(*password)
		if err != nil {
			return err
		}
		if _, err := db.SetPassword(ctx, nil, *email, hash); err != nil {
			return err
		}
		fmt.Println("password changed; every session and API token of the user revoked")
	case "deactivate", "activate":
		cred, err := db.CredentialsByEmail(ctx, *email)
		if err != nil {
			return err
		}
		if err := db.SetUserActive(ctx, nil, cred.User.ID, args[0] == "activate"); err != nil {
			return err
		}
		fmt.Printf("user %d %s %sd\n", cred.User.ID, cred.User.Email, args[0])
	case "token":
		cred, err := db.CredentialsByEmail(ctx, *email)
		if err != nil {
			return err
		}
		if !cred.User.Active {
			return fmt.Errorf("user %s is deactivated", cred.User.Email)
		}
		tok, hash := auth.NewToken("nga_")
		tname := *name
		if tname == "" {
			tname = "cli"
		}
		if err := db.CreateToken(ctx, store.Token{Hash: hash, UserID: cred.User.ID, Kind: "api", Name: tname, ExpiresAt: time.Now().Add(90 * 24 * time.Hour)}); err != nil {
			return err
		}
		fmt.Println(tok)
	default:
		return fmt.Errorf("user: unknown subcommand %q", args[0])
	}
	return nil
}

func auditCmd(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] != "verify" {
		return fmt.Errorf("audit: verify")
	}
	var c config
	fs := flag.NewFlagSet("audit verify", flag.ExitOnError)
	c.flags(fs, "niaga.db")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	db, err := c.open(ctx, c.logger())
	if err != nil {
		return err
	}
	defer closeLogged(db, "database")
	broken, n, err := db.VerifyAudit(ctx)
	if err != nil {
		return err
	}
	if broken != 0 {
		return fmt.Errorf("audit chain broken at record %d (%d records checked)", broken, n)
	}
	seq, head, _ := db.AuditHead(ctx)
	fmt.Printf("audit chain intact: %d records, head %d %s\n", n, seq, head)
	return nil
}

func backupCmd(ctx context.Context, args []string) error {
	var c config
	fs := flag.NewFlagSet("backup", flag.ExitOnError)
	c.flags(fs, "niaga.db")
	out := fs.String("out", "", "file to write the backup to (must not exist)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" {
		return fmt.Errorf("backup: --out is required")
	}
	db, err := c.open(ctx, c.logger())
	if err != nil {
		return err
	}
	defer closeLogged(db, "database")
	if err := db.Backup(ctx, *out); err != nil {
		return err
	}
	seq, head, _ := db.AuditHead(ctx)
	fmt.Printf("backup written to %s (audit head %d %s)\n", *out, seq, head)
	return nil
}

func restoreCmd(ctx context.Context, args []string) error {
	var c config
	fs := flag.NewFlagSet("restore", flag.ExitOnError)
	c.flags(fs, "niaga.db")
	from := fs.String("from", "", "backup file to restore")
	force := fs.Bool("force", false, "replace an existing database (stop the server first)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *from == "" {
		return fmt.Errorf("restore: --from is required")
	}
	if strings.Contains(c.db, "://") {
		return fmt.Errorf("restore: PostgreSQL is restored with psql or pg_restore (docs/operations.md)")
	}
	if err := store.Restore(ctx, *from, c.db, *force); err != nil {
		return err
	}
	fmt.Printf("restored %s from %s\n", c.db, *from)
	return nil
}
