using System.Text.Json;

namespace Analytics.Web.Cli;

/// <summary>
/// The app's command-line verbs for operators, run instead of the web server: <c>seed --rows N</c> (bulk demo data),
/// <c>backup</c> and <c>restore</c>. The benchmarks live in their own project (<c>Analytics.Benchmarks</c>), which uses the
/// option helpers here.
/// </summary>
public static class CommandLine
{
    private static readonly string[] Verbs = ["seed", "backup", "restore", "bench"];

    public static bool IsCommand(string[] args) => args.Length > 0 && Verbs.Contains(args[0], StringComparer.OrdinalIgnoreCase);

    public static async Task<int> RunAsync(WebApplicationBuilder builder, string[] args)
    {
        if (args[0].Equals("bench", StringComparison.OrdinalIgnoreCase))
        {
            await Console.Error.WriteLineAsync("The benchmarks moved out of the web app: dotnet run -c Release --project Analytics.Benchmarks -- bench <name>");
            return 2;
        }
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        await using var app = builder.Build();
        using var cts = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; cts.Cancel(); };
        try
        {
            return args[0].ToLowerInvariant() switch
            {
                "seed" => await SeedCommand.RunAsync(app.Services, args[1..], cts.Token),
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

    private static int Usage()
    {
        Console.Error.WriteLine("""
            Usage:
              dotnet run --project Analytics.Web                      serve the app
              dotnet run --project Analytics.Web -- seed --rows N     seed N rows of bulk demo ad performance (replaces earlier bulk rows)
              dotnet run --project Analytics.Web -- backup --to FILE [--passphrase P]   back up the database and key ring (also while the app runs)
              dotnet run --project Analytics.Web -- restore --from FILE [--passphrase P] [--force]   restore into the configured database (--force replaces a non-empty one)
            Benchmarks: dotnet run -c Release --project Analytics.Benchmarks -- bench <name> [options]
            """);
        return 2;
    }

    /// <summary>The positive whole number after <paramref name="name"/> (underscores allowed: 1_000_000), or null when absent.</summary>
    public static long? LongOption(string[] args, string name)
    {
        var i = Array.FindIndex(args, a => a.Equals(name, StringComparison.OrdinalIgnoreCase));
        if (i < 0) return null;
        if (i + 1 >= args.Length || !long.TryParse(args[i + 1].Replace("_", ""), out var value) || value <= 0)
            throw new ArgumentException($"{name} needs a positive whole number, e.g. {name} 1000000.");
        return value;
    }

    /// <summary>The word after <paramref name="name"/>, or null when absent.</summary>
    public static string? StringOption(string[] args, string name)
    {
        var i = Array.FindIndex(args, a => a.Equals(name, StringComparison.OrdinalIgnoreCase));
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    /// <summary>Prints <paramref name="value"/> as indented camelCase JSON on standard output.</summary>
    public static void PrintJson(object value) =>
        Console.WriteLine(JsonSerializer.Serialize(value, new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = true }));
}
