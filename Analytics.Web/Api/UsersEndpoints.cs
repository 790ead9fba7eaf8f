using Analytics.Data.Identity;
using Analytics.Domain;

namespace Analytics.Web.Api;

public static class UsersEndpoints
{
    /// <param name="ExpiresAt">When the key stops working (ISO 8601 with offset); null or absent = never.</param>
    public sealed record CreateApiKeyRequest(string? Name, DateTimeOffset? ExpiresAt = null);

    public sealed record ChangePasswordRequest(string? CurrentPassword, string? NewPassword);

    public sealed record ResetPasswordRequest(string? Password);

    public static RouteGroupBuilder MapUsersEndpoints(this RouteGroupBuilder api)
    {
        var users = api.MapGroup("/users").WithTags("Users");

        users.MapGet("/", async (HttpContext http, UserService service, int? limit, string? cursor, CancellationToken ct) =>
            PagedResponse<UserView>.From(await service.ListAsync(http.Actor(), PageRequest.Parse(limit, cursor), ct)))
            .WithSummary("Lists users (admins), paged.");

        users.MapGet("/{id}", async (HttpContext http, UserService service, string id, CancellationToken ct) =>
            await service.GetAsync(http.Actor(), id, ct))
            .WithSummary("One user: role, instance grants, whether they must change their password.");

        users.MapPost("/", async (HttpContext http, UserService service, CreateUserCommand body, CancellationToken ct) =>
        {
            var created = await service.CreateAsync(http.Actor(), body, ct);
            return TypedResults.Created($"/api/v1/users/{created.User.Id}", new
            {
                created.User.Id, created.User.Email, created.User.DisplayName, created.User.Role, created.User.InstanceIds,
                created.User.Disabled, created.User.CreatedAt, created.InitialPassword,
            });
        })
            .WithSummary("Creates a user (admins).")
            .WithDescription("201 with the user and, when no password was given, a generated `initialPassword` shown once. 409 when the e-mail is taken.")
            .ProducesProblem(StatusCodes.Status409Conflict);

        users.MapPut("/{id}", async (HttpContext http, UserService service, string id, UpdateUserCommand body, CancellationToken ct) =>
            await service.UpdateAsync(http.Actor(), id, body, ct))
            .WithSummary("Changes a user's role, instance grants or disabled state (admins).")
            .ProducesProblem(StatusCodes.Status409Conflict);

        users.MapGet("/{id}/api-keys", async (HttpContext http, ApiKeyService keys, string id, CancellationToken ct) =>
            await keys.ListAsync(http.Actor(), id, ct))
            .WithSummary("Lists a user's API keys (the key itself is never shown again).");

        users.MapPost("/{id}/api-keys", async (HttpContext http, ApiKeyService keys, string id, CreateApiKeyRequest? body, CancellationToken ct) =>
        {
            var created = await keys.CreateAsync(http.Actor(), id, body?.Name, body?.ExpiresAt, ct);
            return TypedResults.Created($"/api/v1/users/{id}/api-keys/{created.Id}",
                new { created.Id, created.Key, created.View.Name, created.View.Prefix, created.View.CreatedAt, created.View.ExpiresAt });
        })
            .WithSummary("Creates an API key for a user (admins, or the user for themself).")
            .WithDescription("201 with `key`, shown once; store it. `expiresAt` (ISO 8601, in the future) is optional.");

        users.MapDelete("/{id}/api-keys/{keyId}", async (HttpContext http, ApiKeyService keys, string id, string keyId, CancellationToken ct) =>
        {
            await keys.RevokeAsync(http.Actor(), keyId, ct);
            return TypedResults.NoContent();
        })
            .WithSummary("Revokes an API key.");

        // Admins set a user's password, or have one generated (answered once); the user's sessions end and they choose their own at next sign-in.
        users.MapPost("/{id}/password", async (HttpContext http, PasswordService passwords, string id, ResetPasswordRequest? body, CancellationToken ct) =>
        {
            var result = await passwords.ResetAsync(http.Actor(), id, body?.Password, ct);
            return TypedResults.Ok(new { result.UserId, password = result.GeneratedPassword, mustChangePassword = true });
        })
            .WithSummary("Sets a user's password, or generates one (admins).")
            .WithDescription("The user's sessions end and they choose their own password at next sign-in; a generated `password` is answered once.");

        api.MapGet("/me", async (HttpContext http, UserService service, CancellationToken ct) =>
            await service.GetAsync(http.Actor(), http.Actor().UserId, ct))
            .WithSummary("The caller: the key's user, role and grants.").WithTags("Users");

        // A user changes their own password, proving the current one; every other session of theirs ends.
        api.MapPost("/me/password", async (HttpContext http, PasswordService passwords, ChangePasswordRequest body, CancellationToken ct) =>
        {
            await passwords.ChangeAsync(http.Actor(), body.CurrentPassword, body.NewPassword, ct);
            return TypedResults.NoContent();
        })
            .WithSummary("Changes the caller's own password, proving the current one.")
            .WithDescription("204; every other session of the user ends. 400 keyed `currentPassword` or `newPassword`.").WithTags("Users");

        return api;
    }
}
