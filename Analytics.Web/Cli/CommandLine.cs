using System.Text.Json;

namespace Analytics.Web.Cli;

/// <summary>
/// The app's command-line verbs, run instead of the web server:
/// <c>seed --rows N</c> (bulk demo data), <c>bench &lt;name&gt;</c> (benchmarks that print JSON), <c>backup</c> and <c>restore</c>.
/// </summary>
public static class CommandLine
{
    private static readonly string[] Verbs = ["seed", "bench", "backup", "restore"];

    public static bool IsCommand(string[] args) => args.Length > 0 && Verbs.Contains(args[0], StringComparer.OrdinalIgnoreCase);

    public static async Task<int> RunAsync(WebApplicationBuilder builder, string[] args)
    {
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        await using var app = builder.Build();
        using var cts = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; cts.Cancel(); };
        try
        {
            return args[0].ToLowerInvariant() switch
            {
                "seed" => await SeedCommand.RunAsync(app.Services, args[1..], cts.Token),
                "bench" => await Benchmarks.RunAsync(app.Services, args[1..], cts.Token),
                "backup" => await BackupCommand.BackupAsync(app.Services, args[1..], cts.Token),
                "restore" => await BackupCommand.RestoreAsync(app.Services, args[1..], cts.Token),
                _ => Usage(),
            };
        }
        catch (ArgumentException e)
        {
            await Console.Error.WriteLineAsync(e.Message);
            return Usage();
        }
    }

    internal static int Usage()
    {
        Console.Error.WriteLine("""
            Usage:
              dotnet run --project Analytics.Web                      serve the app
              dotnet run --project Analytics.Web -- seed --rows N     seed N rows of bulk demo ad performance (replaces earlier bulk rows)
              dotnet run -c Release --project Analytics.Web -- bench <name> [options]   run a benchmark; prints JSON
              dotnet run --project Analytics.Web -- backup --to FILE [--passphrase P]   back up the database and key ring (also while the app runs)
              dotnet run --project Analytics.Web -- restore --from FILE [--passphrase P] [--force]   restore into the configured database (--force replaces a non-empty one)
            Benchmarks: 
            """ + string.Join(", ", Benchmarks.Names));
        return 2;
    }

    internal static long? LongOption(string[] args, string name)
    {
        var i = Array.FindIndex(args, a => a.Equals(name, StringComparison.OrdinalIgnoreCase));
        if (i < 0) return null;
        if (i + 1 >= args.Length || !long.TryParse(args[i + 1].Replace("_", ""), out var value) || value <= 0)
            throw new ArgumentException($"{name} needs a positive whole number, e.g. {name} 1000000.");
        return value;
    }

    internal static string? StringOption(string[] args, string name)
    {
        var i = Array.FindIndex(args, a => a.Equals(name, StringComparison.OrdinalIgnoreCase));
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    internal static void PrintJson(object value) =>
        Console.WriteLine(JsonSerializer.Serialize(value, new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = true }));
}
