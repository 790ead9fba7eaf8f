using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Analytics.Data.Sources.Connectors;

/// <summary>
/// Which files a <c>sqlite</c> source may open: an existing file whose real path (every symbolic link resolved, as
/// <c>realpath(3)</c>) lies under <c>Analytics:Sources:SqliteRoot</c>, is not under <c>/proc</c>, <c>/sys</c> or
/// <c>/dev</c>, and is not the app's own database — compared by device and inode, so a hard link or another path to it
/// is caught too. Every refusal, "no such file" included, reads the same (<see cref="Refusal"/>), so the check tells
/// nobody whether a file exists outside the root.
/// </summary>
public sealed class SqliteSourcePaths(IOptions<SourceOptions> options, IOptions<DatabaseOptions> database)
{
    private static readonly string[] SystemTrees = ["/proc", "/sys", "/dev"];

    /// <summary>The configured root, made absolute (its real path is taken at each check: it may be a link itself).</summary>
    public string Root => Path.GetFullPath(options.Value.SqliteRoot ?? "sources");

    /// <summary>The one message for a path that is missing or not allowed.</summary>
    public string Refusal(string given) =>
        $"'{given}' is not a SQLite file this app may read: a sqlite source names an existing file under {Root} (Analytics:Sources:SqliteRoot); put the file (or a copy) there.";

    /// <summary>The real path of the file <paramref name="given"/> names when a source may read it; null otherwise.</summary>
    public string? Resolve(string given)
    {
        var real = RealPath(given);
        var root = RealPath(Root);
        if (real is null || root is null) return null;
        if (!IsUnder(real, root)) return null;
        if (SystemTrees.Any(tree => IsUnder(real, tree))) return null;
        if (!File.Exists(real)) return null; // a directory, a socket, …
        if (IsAppDatabase(real)) return null;
        return real;
    }

    /// <summary>By device and inode where the platform tells them (a hard link is the same file), else by real path.</summary>
    private bool IsAppDatabase(string real)
    {
        if (AppDatabasePath() is not { } app) return false;
        if (FileIdentity(app) is { } appIdentity && FileIdentity(real) is { } candidate) return candidate == appIdentity;
        return string.Equals(RealPath(app), real, OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);
    }

    private static bool IsUnder(string path, string directory)
    {
        var comparison = OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        var prefix = directory.EndsWith(Path.DirectorySeparatorChar) ? directory : directory + Path.DirectorySeparatorChar;
        return path.StartsWith(prefix, comparison) || string.Equals(path, directory, comparison);
    }

    private string? AppDatabasePath()
    {
        var o = database.Value;
        if (o.Provider != DatabaseProvider.Sqlite) return null;
        try
        {
            var dataSource = new SqliteConnectionStringBuilder(o.EffectiveConnectionString).DataSource;
            return string.IsNullOrWhiteSpace(dataSource) || dataSource == ":memory:" ? null : Path.GetFullPath(dataSource);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    /// <summary>The path with every symbolic link resolved and <c>.</c>/<c>..</c> removed, or null when it does not exist.</summary>
    internal static string? RealPath(string path)
    {
        if (string.IsNullOrWhiteSpace(path) || path.Contains('\0')) return null;
        if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS())
        {
            var resolved = Native.realpath(Path.GetFullPath(path), IntPtr.Zero);
            if (resolved == IntPtr.Zero) return null;
            try
            {
                return Marshal.PtrToStringUTF8(resolved);
            }
            finally
            {
                Native.free(resolved);
            }
        }
        // Elsewhere: the final link resolved (enough for a platform the app does not ship on).
        var full = Path.GetFullPath(path);
        if (!File.Exists(full) && !Directory.Exists(full)) return null;
        var target = new FileInfo(full).ResolveLinkTarget(returnFinalTarget: true);
        return target is null ? full : Path.GetFullPath(target.FullName);
    }

    /// <summary>(device, inode) of a file, on 64-bit Linux; null elsewhere or when it cannot be read.</summary>
    internal static (ulong Device, ulong Inode)? FileIdentity(string path)
    {
        if (!OperatingSystem.IsLinux() || !Environment.Is64BitProcess) return null;
        // struct stat starts with st_dev and st_ino (8 bytes each) on x86-64 and on the generic 64-bit layout (arm64).
        var buffer = new byte[256];
        try
        {
            if (Native.stat(path, buffer) != 0) return null;
        }
        catch (EntryPointNotFoundException)
        {
            return null; // glibc before 2.33 exports stat only as __xstat: fall back to comparing paths
        }
        return (BitConverter.ToUInt64(buffer, 0), BitConverter.ToUInt64(buffer, 8));
    }

    private static class Native
    {
        [DllImport("libc", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern IntPtr realpath([MarshalAs(UnmanagedType.LPUTF8Str)] string path, IntPtr resolved);

        [DllImport("libc")]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern void free(IntPtr pointer);

        [DllImport("libc", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int stat([MarshalAs(UnmanagedType.LPUTF8Str)] string path, byte[] buffer);
    }
}

/// <summary>Creates <c>Analytics:Sources:SqliteRoot</c> at start, so admins have the directory to put source files in.</summary>
internal sealed class SqliteSourceRoot(SqliteSourcePaths paths) : Microsoft.Extensions.Hosting.IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(paths.Root);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
