namespace Analytics.Tests.Infrastructure;

/// <summary>A fact that needs PostgreSQL: skipped with a visible reason when none is configured, except in CI.</summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (TestEnvironment.PostgresSkipReason is { } reason) Skip = reason;
    }
}

/// <summary>A fact that needs Chromium: skipped with a visible reason when it is missing, except in CI.</summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public ChromiumFactAttribute()
    {
        if (TestEnvironment.ChromiumSkipReason is { } reason) Skip = reason;
    }
}

/// <summary>A fact that needs poppler's <c>pdftoppm</c> (PDF pages to PNG): skipped with a visible reason when it is missing, except in CI.</summary>
public sealed class PdfToPpmFactAttribute : FactAttribute
{
    public PdfToPpmFactAttribute()
    {
        if (TestEnvironment.PdfToPpmSkipReason is { } reason) Skip = reason;
    }
}
