using Analytics.Data;
using Analytics.Data.Identity;
using Analytics.Data.Seeding;
using Analytics.Domain;
using Analytics.Domain.Access;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Analytics.Tests.Infrastructure;

/// <summary>
/// The real domain and data services (<c>AddAnalyticsDomain</c> + <c>AddAnalyticsData</c>, Identity included) over a
/// fresh <see cref="TestDatabase"/>, with a <see cref="FixedTimeProvider"/>. The host is built, not started: tests run
/// <see cref="DatabaseInitializer"/> themselves (<see cref="InitializeAsync"/>) when and as often as they need.
/// </summary>
public sealed class AnalyticsTestHost : IAsyncDisposable
{
    public const string AdminEmail = "admin@example.test";
    public const string AdminPassword = "Admin-Passw0rd!";

    private readonly IHost _host;
    private readonly TestDatabase _database;

    private AnalyticsTestHost(IHost host, TestDatabase database, FixedTimeProvider clock)
    {
        _host = host;
        _database = database;
        Clock = clock;
    }

    public IServiceProvider Services => _host.Services;

    public FixedTimeProvider Clock { get; }

    public DatabaseProvider Provider => _database.Provider;

    public string ConnectionString => _database.ConnectionString;

    /// <param name="settings">Extra configuration, applied over the defaults (keys as in appsettings, e.g. <c>Analytics:Auth:BootstrapApiKey</c>).</param>
    public static async Task<AnalyticsTestHost> CreateAsync(DatabaseProvider provider, bool seedDemo = false, IDictionary<string, string?>? settings = null)
    {
        var database = await TestDatabase.CreateAsync(provider);
        try
        {
            var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Testing" });
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Analytics:Database:Provider"] = provider.ToString(),
                ["ConnectionStrings:Analytics"] = database.ConnectionString,
                ["Analytics:Database:SeedDemo"] = seedDemo ? "true" : "false",
                ["Analytics:Auth:AdminEmail"] = AdminEmail,
                ["Analytics:Auth:AdminPassword"] = AdminPassword,
            });
            if (settings is not null) builder.Configuration.AddInMemoryCollection(settings);
            builder.Logging.SetMinimumLevel(LogLevel.Warning);

            builder.AddAnalyticsDomain();
            builder.AddAnalyticsData();
            var clock = new FixedTimeProvider();
            builder.Services.AddSingleton<TimeProvider>(clock);
            return new AnalyticsTestHost(builder.Build(), database, clock);
        }
        catch
        {
            await database.DisposeAsync();
            throw;
        }
    }

    /// <summary>Migrates, seeds (if configured) and ensures the first admin, as the app does at start.</summary>
    public Task InitializeAsync() => Services.GetRequiredService<DatabaseInitializer>().InitializeAsync(CancellationToken.None);

    public async Task<AnalyticsDbContext> DbAsync() =>
        await Services.GetRequiredService<IDbContextFactory<AnalyticsDbContext>>().CreateDbContextAsync();

    /// <summary>Runs <paramref name="action"/> with a scoped service (UserService, ApiKeyService and Identity are scoped).</summary>
    public async Task<TResult> WithScopeAsync<TService, TResult>(Func<TService, Task<TResult>> action) where TService : notnull
    {
        await using var scope = Services.CreateAsyncScope();
        return await action(scope.ServiceProvider.GetRequiredService<TService>());
    }

    public async Task WithScopeAsync<TService>(Func<TService, Task> action) where TService : notnull
    {
        await using var scope = Services.CreateAsyncScope();
        await action(scope.ServiceProvider.GetRequiredService<TService>());
    }

    /// <summary>The actor of a stored user, as the web layer would resolve it.</summary>
    public async Task<Actor> ActorAsync(string userId) =>
        await WithScopeAsync<ActorResolver, Actor?>(r => r.ResolveAsync(userId, CancellationToken.None))
        ?? throw new InvalidOperationException($"User {userId} does not exist or is disabled.");

    /// <summary>The first admin, created by <see cref="InitializeAsync"/>.</summary>
    public async Task<Actor> AdminAsync()
    {
        await using var db = await DbAsync();
        var id = await db.Users.Where(u => u.Email == AdminEmail).Select(u => u.Id).SingleAsync();
        return await ActorAsync(id);
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is IAsyncDisposable asyncDisposable) await asyncDisposable.DisposeAsync();
        else _host.Dispose();
        await _database.DisposeAsync();
    }
}
