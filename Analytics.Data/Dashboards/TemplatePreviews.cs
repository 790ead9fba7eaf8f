using Analytics.Domain;
using Analytics.Domain.Access;
using Analytics.Domain.Dashboards;

namespace Analytics.Data.Dashboards;

/// <summary>A template's widgets as they would be made for <see cref="SourceIds"/>, with their data: nothing is saved.</summary>
public sealed record TemplatePreview(DashboardTemplate Template, IReadOnlyList<string> SourceIds, IReadOnlyList<WidgetView> Widgets, DashboardData Data);

/// <summary>
/// What a dashboard template would show before it is made: its widgets computed over the instances picked (all the
/// viewer may see when none), with the viewer's permissions and the template's default time range, in memory.
/// </summary>
public sealed class TemplatePreviews(DashboardDataService data, TimeProvider clock)
{
    public async Task<TemplatePreview> PreviewAsync(Actor actor, string templateId, IReadOnlyList<string> sourceIds, CancellationToken ct)
    {
        var template = DashboardTemplates.Find(templateId) ?? throw new NotFoundException("Dashboard template", templateId);
        foreach (var sourceId in sourceIds) actor.EnsureCanReadInstance(sourceId);
        var picked = template.NeedsInstances ? sourceIds : [];
        var definition = template.Instantiate(null, picked);
        var widgets = definition.Widgets!.Select((w, i) => new WidgetView($"preview-{i}", w.Type!, w.Position!, w.Config!)).ToList();
        var now = clock.GetUtcNow();
        var view = new DashboardView($"template-{template.Id}", template.Name, template.Description, 0, definition.Filters!, new DashboardSettings { LazyLoad = false },
            FolderId: null, widgets, actor.UserId, actor.DisplayName, Version: 0, now, now, UpdatedBy: null, Permission: "view", CanEdit: false, CanManage: false,
            Favorite: false, PublicToken: null);
        return new TemplatePreview(template, picked, widgets, await data.ComputeAsync(actor, view, new DashboardDataRequest(), ct));
    }
}
