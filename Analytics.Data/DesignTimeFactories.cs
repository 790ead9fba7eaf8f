using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Analytics.Data;

/// <summary>Used only by <c>dotnet ef migrations add</c>; each provider keeps its own migration set.</summary>
internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteAnalyticsDbContext>
{
    public SqliteAnalyticsDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteAnalyticsDbContext>().UseSqlite(DatabaseOptions.DefaultSqlite).Options);
}

internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresAnalyticsDbContext>
{
    public PostgresAnalyticsDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresAnalyticsDbContext>().UseNpgsql("Host=localhost;Database=analytics_design").Options);
}
