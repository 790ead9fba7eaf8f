using Analytics.Data.Dashboards;
using Analytics.Data.Exports;
using Analytics.Domain;
using Analytics.Domain.Dashboards;

namespace Analytics.Web.Api;

public sealed record DuplicateInput(string? Name);

public sealed record FavoriteInput(bool Favorite);

public sealed record CommentInput(string? WidgetId, string? Body);

public sealed record InstantiateInput(string? Name, IReadOnlyList<string>? SourceIds);

public sealed record FolderInput(string? Name, string? ParentId);

public sealed record MoveInput(string? FolderId);

public sealed record MemberInput(string? UserId);

public sealed record TeamInput(string? Name, IReadOnlyList<string>? MemberIds);

/// <summary>
/// Dashboards over HTTP (CONTRACT.md, "Dashboards"): CRUD, each widget's data under the dashboard's filters (or the
/// request's overrides), shares and the public link, favourites, comments, templates, folders and teams. The rules
/// live in <see cref="DashboardService"/>, <see cref="DashboardSharing"/>, <see cref="DashboardFolders"/>, <see cref="TeamService"/> and
/// <see cref="DashboardComments"/>; this only maps HTTP onto them.
/// </summary>
public static class DashboardsEndpoints
{
    public static RouteGroupBuilder MapDashboardsEndpoints(this RouteGroupBuilder api)
    {
        var dashboards = api.MapGroup("/dashboards").WithTags("Dashboards");

        dashboards.MapGet("/", async (HttpContext http, DashboardService service, string? search, string? scope, string? folderId, CancellationToken ct) =>
        {
            if (scope is not (null or "all" or "mine" or "shared" or "favorites" or "workspace"))
                throw new ValidationException("scope", "scope must be one of all, mine, shared, favorites, workspace.");
            return new { items = await service.ListAsync(http.Actor(), new DashboardListQuery(search, scope, folderId), ct) };
        })
            .WithSummary("Lists the dashboards the caller may see; `scope` = all, mine, shared, favorites or workspace.");

        dashboards.MapPost("/", async (HttpContext http, DashboardService service, DashboardDefinition body, CancellationToken ct) =>
        {
            var created = await service.CreateAsync(http.Actor(), body, ct);
            return TypedResults.Created($"/api/v1/dashboards/{created.Id}", created);
        })
            .WithSummary("Creates a dashboard: filters and widgets on a 12-column grid.");

        dashboards.MapGet("/{id}", async (HttpContext http, DashboardService service, string id, CancellationToken ct) =>
            await service.GetAsync(http.Actor(), id, ct))
            .WithSummary("One dashboard with its widgets.");

        dashboards.MapPut("/{id}", async (HttpContext http, DashboardService service, string id, DashboardDefinition body, CancellationToken ct) =>
        {
            var saved = await service.UpdateAsync(http.Actor(), id, body, ct);
            if (saved.OverwroteChangesBy is { } by) http.Response.Headers["X-Overwrote-Changes-By"] = Uri.EscapeDataString(by);
            return saved.Dashboard;
        })
            .WithSummary("Saves a dashboard.")
            .WithDescription("When someone else saved it since the caller loaded it, their changes are overwritten and `X-Overwrote-Changes-By` names them.");

        dashboards.MapDelete("/{id}", async (HttpContext http, DashboardService service, string id, CancellationToken ct) =>
        {
            await service.DeleteAsync(http.Actor(), id, ct);
            return TypedResults.NoContent();
        })
            .WithSummary("Deletes a dashboard.");

        dashboards.MapPost("/import", async (HttpContext http, DashboardPortability service, PortableDashboard body, CancellationToken ct) =>
        {
            var created = await service.ImportAsync(http.Actor(), body, ct);
            return TypedResults.Created($"/api/v1/dashboards/{created.Id}", created);
        })
            .WithSummary("Creates a dashboard from a portable dashboard document (as `GET /dashboards/{id}/export?format=json` writes it).")
            .WithDescription("The new dashboard is the caller's, outside any folder. The whole document is checked first: unknown metrics, dimensions, datasets or "
                + "operational metrics, instances the caller cannot read, unknown widget types and a newer `formatVersion` are a 400 with `errors` keyed per field "
                + "(e.g. `widgets[3].config.query.metrics[0]`), and then nothing is created.")
            .Produces<DashboardView>(StatusCodes.Status201Created);

        dashboards.MapPost("/{id}/duplicate", async (HttpContext http, DashboardService service, string id, DuplicateInput? body, CancellationToken ct) =>
        {
            var copy = await service.DuplicateAsync(http.Actor(), id, body?.Name, ct);
            return TypedResults.Created($"/api/v1/dashboards/{copy.Id}", copy);
        })
            .WithSummary("Copies a dashboard (optionally under a new name).");

        dashboards.MapGet("/{id}/data", async (HttpContext http, DashboardDataService data, string id, CancellationToken ct) =>
            await data.GetAsync(http.Actor(), id, ParseDataRequest(http.Request.Query), ct))
            .WithSummary("Each widget's result under the dashboard's filters, or the request's overrides.")
            .WithDescription("`?start=&end=` or `?preset=`, `filter.<dimension>=value` (repeatable), `widgets=a,b`.")
            .ProducesValidationProblem();

        dashboards.MapGet("/{id}/export", ExportAsync)
            .WithSummary("Exports a dashboard or one widget as a file: pdf, xlsx, csv, or json (the portable dashboard document).")
            .WithDescription("`format=pdf|xlsx|csv|json`, `widget=`, `layout=grid|flow`, `page=a4|letter`, `orientation=landscape|portrait`, `summary=true`, `rows=widgets|underlying`, and the filters of `/data`. "
                + "`format=json` is the dashboard itself as a portable document for `POST /dashboards/import` (format version, name, description, settings, filters, widgets; "
                + "instances named by name, kind and external id, metrics by name); the other parameters do not apply to it.")
            .Produces(StatusCodes.Status200OK, typeof(Stream), "application/pdf", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "text/csv", "application/json", "application/zip")
            .ProducesValidationProblem();

        // Sent at once through the subscriptions' SMTP delivery; answers when the mail server accepted it (or did not).
        dashboards.MapPost("/{id}/email", async (HttpContext http, Analytics.Data.Subscriptions.DashboardEmailService service, string id,
            Analytics.Data.Subscriptions.DashboardEmailInput body, CancellationToken ct) =>
        {
            var result = await service.SendAsync(http.Actor(), id, body, ct);
            return result.Sent
                ? Results.Ok(result)
                : Results.Problem(title: "The e-mail was not delivered", detail: result.Error, statusCode: StatusCodes.Status502BadGateway,
                    extensions: new Dictionary<string, object?> { ["exportId"] = result.ExportId, ["attempts"] = result.Attempts });
        })
            .WithSummary("E-mails the dashboard (or one widget) now, as an export file, to recipients at the allowed domains.")
            .WithDescription("Body `{ recipients: [..], format: pdf|xlsx|csv, page?: a4|letter, orientation?: landscape|portrait, layout?: grid|flow, summary?, widget?, "
                + "start?, end?, preset?, filters?: { dim: [values] } }` → 200 `{ exportId, recipients, sent, attempts, fileName }`; recorded in the export history "
                + "with trigger `email`. 409 when e-mail delivery is not configured, 429 past the run-now rate, 502 when the mail server refused it.")
            .Produces<Analytics.Data.Subscriptions.DashboardEmailResult>()
            .ProducesProblem(StatusCodes.Status502BadGateway)
            .ProducesValidationProblem();

        dashboards.MapGet("/{id}/shares", async (HttpContext http, DashboardSharing service, string id, CancellationToken ct) =>
            await service.ListSharesAsync(http.Actor(), id, ct))
            .WithSummary("The dashboard's shares and public link.");

        dashboards.MapPost("/{id}/shares", async (HttpContext http, DashboardSharing service, string id, ShareInput body, CancellationToken ct) =>
            await service.ShareAsync(http.Actor(), id, body, ct))
            .WithSummary("Shares a dashboard with a user or team (view or edit), or creates its public link.");

        dashboards.MapDelete("/{id}/shares/{shareId}", async (HttpContext http, DashboardSharing service, string id, string shareId, CancellationToken ct) =>
        {
            await service.RevokeShareAsync(http.Actor(), id, shareId, ct);
            return TypedResults.NoContent();
        })
            .WithSummary("Removes a share (or the public link).");

        dashboards.MapPost("/{id}/shares/public/publish", async (HttpContext http, DashboardSharing service, string id, CancellationToken ct) =>
            await service.PublishAsync(http.Actor(), id, ct))
            .WithSummary("Publishes the current version of the dashboard to its public link.")
            .WithDescription("409 when the dashboard has no public link yet.")
            .ProducesProblem(StatusCodes.Status409Conflict);

        dashboards.MapPut("/{id}/folder", async (HttpContext http, DashboardFolders service, string id, MoveInput body, CancellationToken ct) =>
        {
            await service.MoveDashboardAsync(http.Actor(), id, body.FolderId, ct);
            return TypedResults.NoContent();
        })
            .WithSummary("Moves a dashboard into a folder (`folderId`), or out of any folder (`folderId: null`).")
            .WithDescription("The dashboard's owner or an admin moves it, into one of their folders (admins: any); 400 on `folderId` otherwise.")
            .ProducesValidationProblem();

        dashboards.MapPut("/{id}/favorite", async (HttpContext http, DashboardService service, string id, FavoriteInput body, CancellationToken ct) =>
        {
            await service.SetFavoriteAsync(http.Actor(), id, body.Favorite, ct);
            return TypedResults.NoContent();
        })
            .WithSummary("Marks or unmarks a dashboard as the caller's favourite.");

        dashboards.MapGet("/{id}/comments", async (HttpContext http, DashboardComments service, string id, CancellationToken ct) =>
            new { items = await service.ListCommentsAsync(http.Actor(), id, ct) })
            .WithSummary("The dashboard's comments, oldest first.");

        dashboards.MapPost("/{id}/comments", async (HttpContext http, DashboardComments service, string id, CommentInput body, CancellationToken ct) =>
        {
            var comment = await service.AddCommentAsync(http.Actor(), id, body.WidgetId, body.Body, ct);
            return TypedResults.Created($"/api/v1/dashboards/{id}/comments/{comment.Id}", comment);
        })
            .WithSummary("Comments on a dashboard or one of its widgets.");

        api.MapGet("/widget-kinds", () => new
        {
            items = WidgetKinds.All.Select(k => new { k.Name, k.Label, k.Icon, k.Description, data = k.Data.ToString().ToLowerInvariant(), k.DefaultW, k.DefaultH, k.MinW, k.MinH }),
        })
            .WithSummary("The widget kinds a dashboard can hold, with their default and minimum sizes.").WithTags("Dashboards");

        var templates = api.MapGroup("/dashboard-templates").WithTags("Dashboards");
        templates.MapGet("/", () => new { items = DashboardTemplates.All.Select(t => new { t.Id, t.Name, t.Description, t.Icon, t.NeedsInstances, widgetCount = t.Widgets.Count }) })
            .WithSummary("The built-in dashboard templates.");
        templates.MapPost("/{id}/instantiate", async (HttpContext http, DashboardService service, string id, InstantiateInput? body, CancellationToken ct) =>
        {
            var created = await service.InstantiateTemplateAsync(http.Actor(), id, body?.Name, body?.SourceIds, ct);
            return TypedResults.Created($"/api/v1/dashboards/{created.Id}", created);
        })
            .WithSummary("Creates a dashboard from a template, for chosen sources.");

        var folders = api.MapGroup("/folders").WithTags("Dashboards");
        folders.MapGet("/", async (HttpContext http, DashboardFolders service, CancellationToken ct) => new { items = await service.ListAsync(http.Actor(), ct) })
            .WithSummary("The dashboard folders the caller may see, by name.")
            .WithDescription("Their own, those shared with them or their teams and every folder below those (admins: all). `parentId` is null for a folder "
                + "at the caller's top level, including one whose parent they cannot see.");
        folders.MapPost("/", async (HttpContext http, DashboardFolders service, FolderInput body, CancellationToken ct) =>
        {
            var folder = await service.CreateAsync(http.Actor(), body.Name, body.ParentId, ct);
            return TypedResults.Created($"/api/v1/folders/{folder.Id}", folder);
        })
            .WithSummary("Creates a dashboard folder, at the top level or inside one of the caller's folders (`parentId`).")
            .WithDescription($"Analysts and admins. Folders nest at most {FolderTree.MaxDepth} levels; one owner's folders side by side have different names (400 on `name`).")
            .ProducesValidationProblem();
        folders.MapPut("/{id}", async (HttpContext http, DashboardFolders service, string id, FolderInput body, CancellationToken ct) =>
            await service.UpdateAsync(http.Actor(), id, body.Name, body.ParentId, ct))
            .WithSummary("Renames a folder and places it: `parentId` is the folder it goes in, null for the top level.")
            .WithDescription("The folder's owner or an admin. A folder cannot go inside itself or one of its subfolders (400 on `parentId`).")
            .ProducesValidationProblem();
        folders.MapDelete("/{id}", async (HttpContext http, DashboardFolders service, string id, CancellationToken ct) =>
        {
            await service.DeleteAsync(http.Actor(), id, ct);
            return TypedResults.NoContent();
        })
            .WithSummary("Deletes an empty folder and its shares.")
            .WithDescription("The folder's owner or an admin. A folder that still holds dashboards or folders is a 409 saying what is in it: move or delete them first.")
            .ProducesProblem(StatusCodes.Status409Conflict);
        folders.MapPost("/{id}/shares", async (HttpContext http, DashboardSharing service, string id, ShareInput body, CancellationToken ct) =>
            new { items = await service.ShareFolderAsync(http.Actor(), id, body, ct) })
            .WithSummary("Shares a folder (the dashboards in it and in the folders below it) with a user or team.");
        folders.MapGet("/{id}/shares", async (HttpContext http, DashboardSharing service, string id, CancellationToken ct) =>
            new { items = await service.ListFolderSharesAsync(http.Actor(), id, ct) })
            .WithSummary("A folder's shares.");
        folders.MapDelete("/{id}/shares/{shareId}", async (HttpContext http, DashboardSharing service, string id, string shareId, CancellationToken ct) =>
        {
            await service.RevokeFolderShareAsync(http.Actor(), id, shareId, ct);
            return TypedResults.NoContent();
        })
            .WithSummary("Removes a folder share.");

        var teams = api.MapGroup("/teams").WithTags("Users");
        teams.MapGet("/", async (HttpContext http, TeamService service, CancellationToken ct) => new { items = await service.ListAsync(http.Actor(), ct) })
            .WithSummary("The teams (groups of users to share with).");
        teams.MapPost("/", async (HttpContext http, TeamService service, TeamInput body, CancellationToken ct) =>
        {
            var team = await service.SaveAsync(http.Actor(), null, body.Name, body.MemberIds, ct);
            return TypedResults.Created($"/api/v1/teams/{team.Id}", team);
        })
            .WithSummary("Creates a team (admins).")
            .ProducesProblem(StatusCodes.Status409Conflict);
        teams.MapPut("/{id}", async (HttpContext http, TeamService service, string id, TeamInput body, CancellationToken ct) =>
            await service.SaveAsync(http.Actor(), id, body.Name, body.MemberIds, ct))
            .WithSummary("Renames a team and sets its members (admins).")
            .ProducesProblem(StatusCodes.Status409Conflict);
        teams.MapDelete("/{id}", async (HttpContext http, TeamService service, string id, CancellationToken ct) =>
        {
            await service.DeleteAsync(http.Actor(), id, ct);
            return TypedResults.NoContent();
        })
            .WithSummary("Deletes a team with its memberships and the shares made to it (admins).");
        teams.MapPost("/{id}/members", async (HttpContext http, TeamService service, string id, MemberInput body, CancellationToken ct) =>
            await service.AddMemberAsync(http.Actor(), id, body.UserId, ct))
            .WithSummary("Adds a user to a team (admins); adding a member again changes nothing.")
            .ProducesValidationProblem();
        teams.MapDelete("/{id}/members/{userId}", async (HttpContext http, TeamService service, string id, string userId, CancellationToken ct) =>
            await service.RemoveMemberAsync(http.Actor(), id, userId, ct))
            .WithSummary("Takes a user out of a team (admins).");
        return api;
    }

    /// <summary>
    /// Downloads for signed-in users of the web UI (the sign-in cookie, not an API key): the same export as
    /// <c>GET /api/v1/dashboards/{id}/export</c>, with the same permissions.
    /// </summary>
    public static IEndpointRouteBuilder MapDashboardDownloads(this IEndpointRouteBuilder app)
    {
        app.MapGet("/downloads/dashboards/{id}", ExportAsync).RequireAuthorization().AddEndpointFilter<ActorEndpointFilter>().WithTags("Dashboards");
        return app;
    }

    /// <summary>
    /// The public read-only link: no sign-in; the token is the only key, and it opens one published dashboard's data,
    /// within what the dashboard shows (<see cref="PublicView"/>).
    /// </summary>
    public static IEndpointRouteBuilder MapPublicDashboardEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/public/dashboards/{token}", async (HttpContext http, PublicDashboardService service, string token, CancellationToken ct) =>
            await service.GetAsync(token, ParsePublicRequest(http.Request.Query), ct))
            .WithSummary("A published dashboard's data through its public link (no sign-in; the token is the key).")
            .WithDescription("`?preset=` or `?start=&end=`, `filter.<dimension>=` and `widgets=a,b`, within what the dashboard shows; any other parameter is a 400 naming it.")
            .ProducesValidationProblem()
            .AllowAnonymous().DisableAntiforgery().WithTags("Dashboards");
        return app;
    }

    /// <summary>
    /// A public link's query: <c>?preset=</c> or <c>?start=&amp;end=</c>, <c>filter.&lt;dim&gt;=v</c> (repeatable) and
    /// <c>widgets=a,b</c>. Values are kept as sent (an empty one is refused by <see cref="PublicView"/>, not dropped) and
    /// any other parameter is a 400 naming it.
    /// </summary>
    public static PublicViewRequest ParsePublicRequest(IQueryCollection query)
    {
        var errors = new Dictionary<string, string[]>();
        foreach (var key in query.Keys)
        {
            var known = PublicView.Parameters.Contains(key) || (key.StartsWith(PublicView.FilterPrefix, StringComparison.Ordinal) && key.Length > PublicView.FilterPrefix.Length);
            if (!known) errors[key] = [$"A public link takes only {string.Join(", ", PublicView.Parameters)} and filter.<dimension>."];
            else if (!key.StartsWith(PublicView.FilterPrefix, StringComparison.Ordinal) && query[key].Count > 1) errors[key] = ["Give it once."];
        }
        DateTimeOffset? Time(string name)
        {
            var raw = query[name].ToString();
            if (string.IsNullOrEmpty(raw) || errors.ContainsKey(name)) return null;
            if (DateTimeOffset.TryParse(raw, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var t)) return t;
            errors[name] = [$"'{raw}' is not an ISO 8601 time, e.g. 2025-06-01T00:00:00Z."];
            return null;
        }
        var start = Time("start");
        var end = Time("end");
        if (errors.Count > 0) throw new ValidationException(errors);
        var filters = query.Where(kv => kv.Key.StartsWith(PublicView.FilterPrefix, StringComparison.Ordinal))
            .ToDictionary(kv => kv.Key[PublicView.FilterPrefix.Length..], kv => (IReadOnlyList<string?>)kv.Value.ToList());
        var widgets = query.ContainsKey("widgets") ? query["widgets"].ToString().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : null;
        return new PublicViewRequest(query["preset"].ToString() is { Length: > 0 } p ? p : null, start, end, filters, widgets);
    }

    /// <summary><c>format=json</c>: the portable dashboard document, not an export format of <see cref="ExportService"/>.</summary>
    public const string JsonFormat = "json";

    /// <summary>A dashboard or widget export as a file, for the API and the signed-in UI's download links alike.</summary>
    private static async Task<IResult> ExportAsync(HttpContext http, DashboardExportService exports, DashboardPortability portability, ExportService formats,
        string id, string? format, string? widget, string? layout, string? page, string? orientation, bool? summary, string? rows, CancellationToken ct)
    {
        if (string.Equals(format, JsonFormat, StringComparison.OrdinalIgnoreCase))
        {
            var portable = await portability.ExportAsync(http.Actor(), id, ct);
            return Results.File(System.Text.Encoding.UTF8.GetBytes(portable.Document.ToJson()), "application/json", portable.FileName);
        }
        if (format is null || !formats.Formats.Contains(format, StringComparer.OrdinalIgnoreCase))
            throw new ValidationException("format", $"Format must be one of {string.Join(", ", formats.Formats)}, or {JsonFormat} for the portable dashboard document{(format is null ? "" : $", not '{format}'")}.");
        var file = await exports.ExportAsync(http.Actor(), id, new DashboardExportRequest(format, ParseDataRequest(http.Request.Query), widget,
            ParsePage(layout, page, orientation), summary ?? false, ParseRows(rows)), ct);
        http.Response.RegisterForDisposeAsync(file);
        return Results.File(file.Content, file.ContentType, file.FileName);
    }

    /// <summary><c>rows=widgets</c> (the default: each widget's result) or <c>rows=underlying</c> (the stored rows behind them).</summary>
    public static bool ParseRows(string? rows) => rows switch
    {
        null or "" or "widgets" => false,
        "underlying" => true,
        _ => throw new ValidationException("rows", $"rows must be widgets or underlying, not '{rows}'."),
    };

    /// <summary><c>layout=grid|flow</c>, <c>page=a4|letter</c>, <c>orientation=landscape|portrait</c>.</summary>
    public static Analytics.Domain.Exports.ExportPageOptions ParsePage(string? layout, string? page, string? orientation)
    {
        var errors = new Dictionary<string, string[]>();
        var result = Analytics.Domain.Exports.ExportPageOptions.Parse(page, orientation, layout, errors);
        if (errors.Count > 0) throw new ValidationException(errors);
        return result;
    }

    /// <summary><c>?start=&amp;end=&amp;preset=&amp;filter.&lt;dim&gt;=v1&amp;filter.&lt;dim&gt;=v2&amp;widgets=a,b</c>.</summary>
    public static DashboardDataRequest ParseDataRequest(IQueryCollection query)
    {
        var errors = new Dictionary<string, string[]>();
        DateTimeOffset? Time(string name)
        {
            var raw = query[name].ToString();
            if (string.IsNullOrEmpty(raw)) return null;
            if (DateTimeOffset.TryParse(raw, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var t)) return t;
            errors[name] = [$"'{raw}' is not an ISO 8601 time, e.g. 2025-06-01T00:00:00Z."];
            return null;
        }
        var start = Time("start");
        var end = Time("end");
        var preset = query["preset"].ToString() is { Length: > 0 } p ? p : null;
        if (preset is not null && !DateRangePresets.Names.Contains(preset)) errors["preset"] = [$"One of {string.Join(", ", DateRangePresets.Names)}."];
        if (errors.Count > 0) throw new ValidationException(errors);
        var filters = query.Where(kv => kv.Key.StartsWith("filter.", StringComparison.Ordinal) && kv.Key.Length > 7)
            .ToDictionary(kv => kv.Key[7..], kv => (IReadOnlyList<string?>)kv.Value.Where(v => !string.IsNullOrEmpty(v)).ToList());
        var widgets = query["widgets"].ToString() is { Length: > 0 } w ? w.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : null;
        return new DashboardDataRequest(start, end, preset, filters, widgets);
    }
}
