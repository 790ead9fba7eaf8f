namespace Analytics.Tests.Infrastructure;

/// <summary>
/// What the machine running the tests offers. Locally, tests that need PostgreSQL or Chromium skip with a visible reason
/// when it is missing; in CI (<c>CI=true</c>) they never skip, so a missing dependency fails loudly instead of hiding.
/// </summary>
public static class TestEnvironment
{
    public const string PostgresVariable = "ANALYTICS_TEST_POSTGRES";
    public const string ChromiumVariable = "ANALYTICS_TEST_CHROMIUM";
    public const string DefaultChromiumPath = "/usr/bin/chromium";

    public const string PostgresSkipMessage =
        "PostgreSQL not available: set ANALYTICS_TEST_POSTGRES to an Npgsql connection string (CI sets it)";

    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>The server connection string tests create their databases through, or null.</summary>
    public static string? PostgresConnectionString =>
        Environment.GetEnvironmentVariable(PostgresVariable) is { Length: > 0 } value ? value : null;

    public static string ChromiumPath =>
        Environment.GetEnvironmentVariable(ChromiumVariable) is { Length: > 0 } value ? value : DefaultChromiumPath;

    /// <summary>Null when PostgreSQL tests should run (configured, or in CI); otherwise why they are skipped.</summary>
    public static string? PostgresSkipReason => PostgresConnectionString is null && !IsCi ? PostgresSkipMessage : null;

    public static string? ChromiumSkipReason => !File.Exists(ChromiumPath) && !IsCi
        ? $"Chromium not available: install it at {DefaultChromiumPath} or set {ChromiumVariable} to its path (CI installs it)"
        : null;

    /// <summary>Null when poppler's pdftoppm is on PATH (or in CI, where its absence must fail); otherwise why PNG renders are skipped.</summary>
    public static string? PdfToPpmSkipReason => !OnPath("pdftoppm") && !IsCi
        ? "pdftoppm not available: install Debian's poppler-utils to render PDF pages to PNG (CI installs it)"
        : null;

    private static bool OnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Any(directory => File.Exists(Path.Combine(directory, tool)));

    public const string PostgresAdminVariable = "ANALYTICS_TEST_POSTGRES_ADMIN";

    /// <summary>
    /// A superuser connection string on the same server (<c>ANALYTICS_TEST_POSTGRES_ADMIN</c>; <c>.ci/run</c> creates the role),
    /// for the few tests that must create roles with rights the test role cannot grant: superusers, pg_read_server_files.
    /// </summary>
    public static string RequirePostgresAdmin() =>
        Environment.GetEnvironmentVariable(PostgresAdminVariable) is { Length: > 0 } value ? value : throw new InvalidOperationException(
            $"{PostgresAdminVariable} is not set, but this test creates PostgreSQL roles (a superuser, members of pg_read_server_files) " +
            "and needs a superuser connection string for it, e.g. Host=127.0.0.1;Username=analytics_admin;Password=analytics_admin;Database=postgres (.ci/run creates that role).");

    public static string RequirePostgres() => PostgresConnectionString ?? throw new InvalidOperationException(
        $"{PostgresVariable} is not set, but this test needs PostgreSQL (in CI it never skips). Set it to an Npgsql connection " +
        "string for a role that may CREATE DATABASE, e.g. Host=127.0.0.1;Username=analytics;Password=analytics;Database=analytics_test.");
}
