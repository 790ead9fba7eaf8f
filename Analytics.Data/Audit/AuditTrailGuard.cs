using Microsoft.EntityFrameworkCore;

namespace Analytics.Data.Audit;

/// <summary>
/// Makes <c>audit_events</c> append-only in the database itself: triggers refuse UPDATE and DELETE (and TRUNCATE on
/// PostgreSQL), so neither a bug nor someone with the app's own credentials rewrites history through the app's SQL.
/// Idempotent; run after every migration (a regenerated or squashed migration set keeps the guard).
/// </summary>
public static class AuditTrailGuard
{
    public const string Message = "audit_events is append-only";

    public static async Task EnsureAsync(AnalyticsDbContext db, CancellationToken ct)
    {
        if (db.Provider == DatabaseProvider.Sqlite)
        {
            await db.Database.ExecuteSqlRawAsync($"""
                CREATE TRIGGER IF NOT EXISTS audit_events_no_update BEFORE UPDATE ON audit_events
                BEGIN SELECT RAISE(ABORT, '{Message}'); END;
                """, ct);
            await db.Database.ExecuteSqlRawAsync($"""
                CREATE TRIGGER IF NOT EXISTS audit_events_no_delete BEFORE DELETE ON audit_events
                BEGIN SELECT RAISE(ABORT, '{Message}'); END;
                """, ct);
            return;
        }
        await db.Database.ExecuteSqlRawAsync($"""
            CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION '{Message}'; END $$;
            CREATE OR REPLACE TRIGGER audit_events_no_change BEFORE UPDATE OR DELETE ON audit_events
                FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
            CREATE OR REPLACE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
                FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();
            """, ct);
    }
}
