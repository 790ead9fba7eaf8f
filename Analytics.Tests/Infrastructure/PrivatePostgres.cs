using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Analytics.Tests.Infrastructure;

/// <summary>
/// A PostgreSQL cluster the test owns: initdb'd into a temporary directory, listening on a free port on 127.0.0.1 (and its
/// own socket directory), so a test may stop and start it — a restart mid-run — without disturbing the shared server the
/// rest of the suite uses. Needs PostgreSQL's server binaries (<c>/usr/lib/postgresql/N/bin</c>, the newest N); as root
/// they run as the <c>postgres</c> user (PostgreSQL refuses to run as root), which then owns the directory. Trust
/// authentication, loopback only, no fsync: for tests, nothing else.
/// </summary>
public sealed class PrivatePostgres : IAsyncDisposable
{
    public const string User = "postgres";
    public const string Database = "analytics";

    private readonly string _bin;
    private readonly DirectoryInfo _root;
    private readonly bool _asPostgresUser;

    public int Port { get; }

    /// <summary>An Npgsql connection string for the <see cref="Database"/> database.</summary>
    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Username={User};Database={Database};Timeout=5";

    private string DataDirectory => Path.Combine(_root.FullName, "data");

    private PrivatePostgres(string bin, DirectoryInfo root, bool asPostgresUser, int port)
    {
        _bin = bin;
        _root = root;
        _asPostgresUser = asPostgresUser;
        Port = port;
    }

    /// <summary>The folder of initdb/pg_ctl (the newest <c>/usr/lib/postgresql/*/bin</c>), or null.</summary>
    public static string? BinDirectory =>
        Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Select(d => (Dir: Path.Combine(d, "bin"), Version: int.TryParse(Path.GetFileName(d), out var v) ? v : 0))
                .Where(d => File.Exists(Path.Combine(d.Dir, "initdb")) && File.Exists(Path.Combine(d.Dir, "pg_ctl")))
                .OrderByDescending(d => d.Version).Select(d => d.Dir).FirstOrDefault()
            : null;

    private static bool IsRoot => Environment.UserName == "root";

    /// <summary>Null when a private cluster can be made here (or in CI, where its absence must fail); otherwise why not.</summary>
    public static string? SkipReason =>
        TestEnvironment.IsCi ? null
        : BinDirectory is null ? "PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin: install Debian's postgresql (CI installs it)"
        : IsRoot && !UserExists(User) ? "Running as root, but there is no 'postgres' user to run PostgreSQL's server as (Debian's postgresql package creates it)"
        : null;

    /// <summary>initdb, start (waiting until it accepts connections) and create <see cref="Database"/>: about two seconds.</summary>
    public static async Task<PrivatePostgres> StartAsync()
    {
        var bin = BinDirectory ?? throw new InvalidOperationException(
            "PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin; this test restarts its own cluster and needs them (apt-get install postgresql; .ci/run does).");
        var root = Directory.CreateTempSubdirectory("analytics-pg-");
        var server = new PrivatePostgres(bin, root, IsRoot, FreePort());
        try
        {
            if (server._asPostgresUser) await RunAsync("chown", [$"{User}:{User}", root.FullName]);
            await server.PgAsync("initdb", "-D", server.DataDirectory, "-U", User, "-A", "trust", "-E", "UTF8", "--no-sync", "--no-instructions");
            await server.StartServerAsync();
            await using var connection = new NpgsqlConnection($"Host=127.0.0.1;Port={server.Port};Username={User};Database=postgres");
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {Database}", connection);
            await create.ExecuteNonQueryAsync();
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts the stopped server again on the same port and data (returns once it accepts connections).</summary>
    public Task StartServerAsync() => PgAsync("pg_ctl", "start", "-w", "-t", "30", "-D", DataDirectory, "-l", Path.Combine(_root.FullName, "server.log"),
        "-o", $"-p {Port} -k {_root.FullName} -c listen_addresses=127.0.0.1 -c fsync=off -c shared_buffers=16MB -c max_connections=60");

    /// <summary>
    /// Stops the server: <c>fast</c> ends every session (clients see 57P01 and broken connections) and shuts down cleanly;
    /// <c>immediate</c> is a crash (recovery from the WAL at the next start).
    /// </summary>
    public Task StopServerAsync(string mode = "fast") => PgAsync("pg_ctl", "stop", "-w", "-t", "30", "-m", mode, "-D", DataDirectory);

    /// <summary>The server's own log, for failure messages.</summary>
    public string Log
    {
        get
        {
            try { return File.ReadAllText(Path.Combine(_root.FullName, "server.log")); }
            catch (IOException) { return ""; }
        }
    }

    private Task PgAsync(string tool, params string[] args)
    {
        var path = Path.Combine(_bin, tool);
        return _asPostgresUser ? RunAsync("runuser", ["-u", User, "--", path, .. args]) : RunAsync(path, args);
    }

    private static async Task RunAsync(string file, IEnumerable<string> args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{file} did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', info.ArgumentList)} exited with {process.ExitCode}:\n{await output}\n{await error}");
    }

    private static bool UserExists(string name) => File.Exists("/etc/passwd") && File.ReadLines("/etc/passwd").Any(l => l.StartsWith(name + ":", StringComparison.Ordinal));

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (File.Exists(Path.Combine(DataDirectory, "postmaster.pid"))) await StopServerAsync("immediate");
        }
        catch (InvalidOperationException)
        {
            // already stopped
        }
        try
        {
            _root.Delete(recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}

/// <summary>
/// A fact that restarts its own PostgreSQL (<see cref="PrivatePostgres"/>), and with <c>browser: true</c> drives
/// Chromium too: skipped with a visible reason when either is missing, except in CI.
/// </summary>
public sealed class PrivatePostgresFactAttribute : FactAttribute
{
    public PrivatePostgresFactAttribute(bool browser = false)
    {
        if ((PrivatePostgres.SkipReason ?? (browser ? TestEnvironment.ChromiumSkipReason : null)) is { } reason) Skip = reason;
    }
}
