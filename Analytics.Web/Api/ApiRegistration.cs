using System.Text.Json;
using System.Text.Json.Serialization;

namespace Analytics.Web.Api;

internal static class ApiRegistration
{
    /// <summary>The HTTP API's shape: problem+json for errors (domain exceptions mapped once), its reference, enums as camelCase strings.</summary>
    public static IServiceCollection AddApi(this IServiceCollection services)
    {
        services.AddProblemDetails();
        services.AddApiReference();
        services.AddExceptionHandler<DomainExceptionHandler>();
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
        });
        return services;
    }
}
