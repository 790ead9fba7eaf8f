using Analytics.Data.Sources.Connectors;
using Analytics.Domain.Sources;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Analytics.Data.Sources;

internal static class SourcesRegistration
{
    /// <summary>Data sources: every connector kind (one registration each: <see cref="SourceConnectors"/> finds them), their secrets and settings.</summary>
    public static IServiceCollection AddSources(this IServiceCollection services)
    {
        services.AddScoped<SourceService>();
        services.AddSettings<SourceOptions>(SourceOptions.Section)
            .PostConfigure<IConfiguration>((o, config) => o.SqliteRoot = Path.GetFullPath(string.IsNullOrWhiteSpace(o.SqliteRoot)
                ? Path.Combine(config["Analytics:DataDirectory"] ?? "data", "sources")
                : o.SqliteRoot));
        services.AddSingleton<SqliteSourcePaths>();
        services.AddHostedService<SqliteSourceRoot>();
        services.AddSingleton<ISourceConnector, DemoSourceConnector>();
        services.AddSingleton<ISourceConnector, AmcSourceConnector>();
        services.AddSingleton<ISourceConnector, SqliteSourceConnector>();
        services.AddSingleton<ISourceConnector, PostgresSourceConnector>();
        services.AddSingleton<ISourceConnector, CsvSourceConnector>();
        services.AddSingleton<SourceConnectors>();
        services.AddSingleton<SourceSecrets>();
        services.AddSingleton<CsvRowUploader>();
        services.AddSettings<AmcOptions>(AmcOptions.Section)
            .Validate(o => o.MaxDelay >= o.BaseDelay, "Analytics:Amc:MaxDelay must be at least Analytics:Amc:BaseDelay (the backoff grows from BaseDelay up to MaxDelay).");
        return services;
    }
}
