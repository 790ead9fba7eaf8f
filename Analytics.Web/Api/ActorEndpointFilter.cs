using Analytics.Data.Identity;
using Analytics.Domain.Access;

namespace Analytics.Web.Api;

/// <summary>Resolves the caller's <see cref="Actor"/> (role and grants, fresh) once per API request.</summary>
internal sealed class ActorEndpointFilter : IEndpointFilter
{
    private const string Key = "analytics.actor";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var resolver = http.RequestServices.GetRequiredService<ActorResolver>();
        var actor = await resolver.ResolveAsync(http.User, http.RequestAborted);
        if (actor is null)
        {
            await Problems.WriteAsync(http, 401, "Unauthorized", "The key's user no longer exists or is disabled.");
            return null;
        }
        http.Items[Key] = actor;
        return await next(context);
    }

    public static Actor ActorOf(HttpContext http) =>
        http.Items[Key] as Actor ?? throw new InvalidOperationException("ActorEndpointFilter did not run for this endpoint.");
}

internal static class HttpContextActorExtensions
{
    public static Actor Actor(this HttpContext http) => ActorEndpointFilter.ActorOf(http);
}
