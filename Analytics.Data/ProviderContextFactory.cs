using Microsoft.EntityFrameworkCore;

namespace Analytics.Data;

/// <summary>Hands out the configured provider's context as the base <see cref="AnalyticsDbContext"/>.</summary>
internal sealed class ProviderContextFactory<TContext>(IDbContextFactory<TContext> inner) : IDbContextFactory<AnalyticsDbContext>
    where TContext : AnalyticsDbContext
{
    public AnalyticsDbContext CreateDbContext() => inner.CreateDbContext();

    public async Task<AnalyticsDbContext> CreateDbContextAsync(CancellationToken cancellationToken = default) =>
        await inner.CreateDbContextAsync(cancellationToken);
}
