using Analytics.Data.Reports;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Analytics.Data.Backup;

/// <summary>Backup and restore: the options, the provider's snapshot (the one place that chooses it) and the services.</summary>
internal static class BackupRegistration
{
    public static IServiceCollection AddBackup(this IServiceCollection services, DatabaseProvider provider)
    {
        services.AddSettings<BackupOptions>(BackupOptions.Section)
            .PostConfigure<IConfiguration>((o, config) => o.Directory = string.IsNullOrWhiteSpace(o.Directory)
                ? DataDirectory.Backups(config)
                : Path.GetFullPath(o.Directory))
            .Validate(o => string.IsNullOrEmpty(o.Passphrase) || o.Passphrase.Length >= BackupOptions.MinPassphraseLength,
                $"Analytics:Backup:Passphrase is too short: use at least {BackupOptions.MinPassphraseLength} characters (it protects the key ring that decrypts source credentials).")
            .Validate<ICronEngine>((o, cron) => cron.Validate(o.Schedule) is null,
                "Analytics:Backup:Schedule is not a Quartz cron expression (seconds minutes hours day-of-month month day-of-week), e.g. \"0 0 2 * * ?\" for daily at 02:00 UTC.")
            .Validate(o => string.IsNullOrWhiteSpace(o.PgBinDirectory) || File.Exists(Path.Combine(o.PgBinDirectory, "pg_dump")),
                "Analytics:Backup:PgBinDirectory holds no pg_dump: point it at PostgreSQL's client programs, e.g. /usr/lib/postgresql/15/bin, or leave it empty to use PATH.");
        switch (provider)
        {
            case DatabaseProvider.Postgres:
                services.AddSingleton<IDatabaseSnapshot, PostgresSnapshot>();
                break;
            default:
                services.AddSingleton<IDatabaseSnapshot, SqliteSnapshot>();
                break;
        }
        services.AddSingleton<BackupService>();
        services.AddSingleton<BackupHistory>();
        return services;
    }
}
