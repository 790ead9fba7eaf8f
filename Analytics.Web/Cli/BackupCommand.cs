using Analytics.Data.Backup;

namespace Analytics.Web.Cli;

/// <summary>
/// <c>backup --to FILE [--passphrase P]</c> and <c>restore --from FILE [--passphrase P] [--force]</c>: print JSON on success;
/// on failure print what was wrong to stderr and exit 1 (nothing half-written, nothing changed).
/// </summary>
internal static class BackupCommand
{
    public static async Task<int> BackupAsync(IServiceProvider services, string[] args, CancellationToken ct)
    {
        var target = CommandLine.StringOption(args, "--to") ?? throw new ArgumentException("backup needs --to FILE, e.g. backup --to /backups/analytics.backup.");
        return await RunAsync(async () =>
        {
            var result = await services.GetRequiredService<BackupService>().CreateAsync(target, CommandLine.StringOption(args, "--passphrase"), "command line", ct);
            CommandLine.PrintJson(new
            {
                file = result.File, bytes = result.Bytes, tables = result.Tables, rows = result.Rows, seconds = result.Seconds,
                provider = result.Provider.ToString(), schema = result.Schema, createdAt = result.CreatedAt, keys = result.Keys,
            });
        });
    }

    public static async Task<int> RestoreAsync(IServiceProvider services, string[] args, CancellationToken ct)
    {
        var source = CommandLine.StringOption(args, "--from") ?? throw new ArgumentException("restore needs --from FILE, e.g. restore --from /backups/analytics.backup.");
        var force = args.Contains("--force", StringComparer.OrdinalIgnoreCase);
        return await RunAsync(async () =>
        {
            var result = await services.GetRequiredService<BackupService>().RestoreAsync(source, CommandLine.StringOption(args, "--passphrase"), force, "command line", ct);
            CommandLine.PrintJson(new
            {
                file = result.File, target = result.Target, keyDirectory = result.KeyDirectory, provider = result.Provider.ToString(), schema = result.Schema,
                tables = result.Tables, rows = result.Rows, keys = result.Keys, seconds = result.Seconds,
            });
        });
    }

    private static async Task<int> RunAsync(Func<Task> action)
    {
        try
        {
            await action();
            return 0;
        }
        catch (BackupException e)
        {
            await Console.Error.WriteLineAsync(e.Message);
            return 1;
        }
    }
}
