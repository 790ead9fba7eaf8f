using System.Globalization;
using Analytics.Data;
using Analytics.Domain;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Analytics.Web;

/// <summary>RFC 7807 problem+json for every API error.</summary>
public static class Problems
{
    public static Task WriteAsync(HttpContext context, int status, string title, string detail, IDictionary<string, string[]>? errors = null)
    {
        var problem = errors is null
            ? new ProblemDetails()
            : new HttpValidationProblemDetails(errors);
        problem.Status = status;
        problem.Title = title;
        problem.Detail = detail;
        problem.Type = $"https://httpstatuses.io/{status}";
        context.Response.StatusCode = status;
        return context.RequestServices.GetRequiredService<IProblemDetailsService>()
            .WriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem }).AsTask();
    }
}

/// <summary>
/// Maps the domain's exceptions, and bad request bodies, to problem+json; the database briefly unavailable
/// (<see cref="TransientDatabase"/>) to 503 with <c>Retry-After</c>, so clients repeat the request; anything else stays a 500.
/// </summary>
internal sealed class DomainExceptionHandler(ILogger<DomainExceptionHandler> logger, IOptions<DatabaseOptions> database) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken ct)
    {
        switch (exception)
        {
            case var transient when TransientDatabase.Is(transient):
                logger.LogWarning("Database unavailable on {Method} {Path}: {Error}", context.Request.Method, context.Request.Path, transient.Message);
                var seconds = database.Value.RetryAfterSeconds;
                context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                await Problems.WriteAsync(context, 503, "Database unavailable",
                    $"The database is briefly unavailable (restarting or unreachable), so this request did not complete. Repeat it after {seconds} seconds.");
                return true;
            case ValidationException v:
                await Problems.WriteAsync(context, 400, "Invalid input", v.Message, v.Errors.ToDictionary());
                return true;
            case NotFoundException n:
                await Problems.WriteAsync(context, 404, "Not found", n.Message);
                return true;
            case ForbiddenException f:
                await Problems.WriteAsync(context, 403, "Forbidden", f.Message);
                return true;
            case RateLimitedException r:
                context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(r.RetryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
                await Problems.WriteAsync(context, 429, "Too many requests", r.Message);
                return true;
            case ConflictException c:
                await Problems.WriteAsync(context, 409, "Conflict", c.Message);
                return true;
            case Auth.SignedOutException when !context.Request.Path.StartsWithSegments("/api"):
                // A page of a user disabled (or deleted) since the cookie was last checked: end the session, sign in again.
                await context.SignOutAsync(Microsoft.AspNetCore.Identity.IdentityConstants.ApplicationScheme);
                context.Response.Redirect($"/account/login?returnUrl={Uri.EscapeDataString(context.Request.Path + context.Request.QueryString)}");
                return true;
            case BadHttpRequestException b:
                var detail = b.InnerException is System.Text.Json.JsonException json
                    ? $"The request body is not valid JSON for this endpoint: {json.Message}"
                    : b.Message;
                await Problems.WriteAsync(context, b.StatusCode, b.StatusCode == 413 ? "Too large" : "Bad request", detail);
                return true;
            default:
                logger.LogError(exception, "Unhandled error on {Method} {Path}", context.Request.Method, context.Request.Path);
                return false;
        }
    }
}
