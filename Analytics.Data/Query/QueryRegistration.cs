using Analytics.Data.Facts;
using Analytics.Data.Forecasting;
using Microsoft.Extensions.DependencyInjection;

namespace Analytics.Data.Query;

internal static class QueryRegistration
{
    /// <summary>The fact store and the queries over it: the catalog, the result cache, metric queries and forecasts.</summary>
    public static IServiceCollection AddQueries(this IServiceCollection services)
    {
        services.AddSingleton<DataChangeNotifier>();
        services.AddSingleton<FactStore>();
        services.AddSettings<QueryOptions>(QueryOptions.Section);
        services.AddSingleton<QueryResultCache>();
        services.AddSingleton<FactQueryService>();
        services.AddSingleton<CatalogService>();
        services.AddSingleton<ForecastService>();
        return services;
    }
}
