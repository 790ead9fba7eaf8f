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
            PagedResponse<UserView>.From(await service.ListAsync(http.Actor(), PageRequest.Parse(limit, cursor), ct)));

        users.MapGet("/{id}", async (HttpContext http, UserService service, string id, CancellationToken ct) =>
            await service.GetAsync(http.Actor(), id, ct));

        users.MapPost("/", async (HttpContext http, UserService service, CreateUserCommand body, CancellationToken ct) =>
        {
            var created = await service.CreateAsync(http.Actor(), body, ct);
            return Results.Created($"/api/v1/users/{created.User.Id}", new
            {
                created.User.Id, created.User.Email, created.User.DisplayName, created.User.Role, created.User.InstanceIds,
                created.User.Disabled, created.User.CreatedAt, created.InitialPassword,
            });
        });

        users.MapPut("/{id}", async (HttpContext http, UserService service, string id, UpdateUserCommand body, CancellationToken ct) =>
            await service.UpdateAsync(http.Actor(), id, body, ct));

        users.MapGet("/{id}/api-keys", async (HttpContext http, ApiKeyService keys, string id, CancellationToken ct) =>
            await keys.ListAsync(http.Actor(), id, ct));

        users.MapPost("/{id}/api-keys", async (HttpContext http, ApiKeyService keys, string id, CreateApiKeyRequest? body, CancellationToken ct) =>
        {
            var created = await keys.CreateAsync(http.Actor(), id, body?.Name, body?.ExpiresAt, ct);
            return Results.Created($"/api/v1/users/{id}/api-keys/{created.Id}",
                new { created.Id, created.Key, created.View.Name, created.View.Prefix, created.View.CreatedAt, created.View.ExpiresAt });
        });

        users.MapDelete("/{id}/api-keys/{keyId}", async (HttpContext http, ApiKeyService keys, string id, string keyId, CancellationToken ct) =>
        {
            await keys.RevokeAsync(http.Actor(), keyId, ct);
            return Results.NoContent();
        });

        // Admins set a user's password, or have one generated (answered once); the user's sessions end and they choose their own at next sign-in.
        users.MapPost("/{id}/password", async (HttpContext http, PasswordService passwords, string id, ResetPasswordRequest? body, CancellationToken ct) =>
        {
            var result = await passwords.ResetAsync(http.Actor(), id, body?.Password, ct);
            return Results.Ok(new { result.UserId, password = result.GeneratedPassword, mustChangePassword = true });
        });

        api.MapGet("/me", async (HttpContext http, UserService service, CancellationToken ct) =>
            await service.GetAsync(http.Actor(), http.Actor().UserId, ct)).WithTags("Users");

        // A user changes their own password, proving the current one; every other session of theirs ends.
        api.MapPost("/me/password", async (HttpContext http, PasswordService passwords, ChangePasswordRequest body, CancellationToken ct) =>
        {
            await passwords.ChangeAsync(http.Actor(), body.CurrentPassword, body.NewPassword, ct);
            return Results.NoContent();
        }).WithTags("Users");

        return api;
    }
}
