using Analytics.Data.Reports;
using Analytics.Domain;
using Analytics.Domain.Facts;
using Analytics.Domain.Reports.Parameters;
using Analytics.Web.Auth;
using Analytics.Web.Components.Shared;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace Analytics.Web.Components.Pages.Reports;

/// <summary>
/// A template: read-only for built-ins and other people's templates (with "Duplicate"), a form for new ones and for the
/// owner's. The server's <see cref="Analytics.Domain.Reports.TemplateRules"/> validate; errors show under their fields.
/// </summary>
public sealed partial class TemplateEditor
{
    [Inject] public required CurrentActor CurrentActor { get; init; }
    [Inject] public required TemplateService TemplateService { get; init; }
    [Inject] public required NavigationManager Navigation { get; init; }
    [Inject] public required IDialogService Dialogs { get; init; }

    [Parameter] public string? Id { get; set; }
    [SupplyParameterFromQuery(Name = "from")] public string? From { get; set; }

    private static readonly ParameterType[] ParameterTypes = Enum.GetValues<ParameterType>();
    private static readonly string[] Grains = ["hour", "day", "week", "month"];
    private static readonly Aggregation[] Aggregations = Enum.GetValues<Aggregation>();

    private TemplateView? _template;
    private TemplateFormState _form = new();
    private IReadOnlyDictionary<string, string[]> _errors = new Dictionary<string, string[]>();
    private List<string> _unplaced = [];
    private bool _loading = true;
    private bool _notFound;
    private bool _editable = true;
    private bool _canAuthor;
    private bool _busy;
    private string? _message;

    private string Title => _template is null ? "New template" : _template.Name;
    private string? Subtitle => _template is null
        ? "SQL with typed parameters, and the shape of its result. Reports are created from it in the gallery."
        : _template.BuiltIn ? "Built-in template" : _editable ? "Your template" : "Template";

    /// <summary>A parameter type as the API spells it (camelCase).</summary>
    private static string TypeName(ParameterType type) => System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(type.ToString());

    /// <summary>Duplicate (for authors), Delete (for the owner), back to all reports; on phones all but the first fold into "More".</summary>
    private IReadOnlyList<PageAction> PageActions
    {
        get
        {
            var actions = new List<PageAction>();
            if (_template is not null && _canAuthor)
                actions.Add(new PageAction("Duplicate", "duplicate-template", Icon: Icons.Material.Filled.ContentCopy, Href: $"/reports/templates/new?from={_template.Id}"));
            if (_template is not null && _editable)
                actions.Add(new PageAction("Delete", "delete-template", EventCallback.Factory.Create(this, DeleteAsync), Icons.Material.Filled.Delete));
            actions.Add(new PageAction("All reports", "all-reports", Icon: Icons.Material.Filled.ArrowBack, Href: "/reports"));
            return actions;
        }
    }

    protected override async Task OnParametersSetAsync()
    {
        _loading = true;
        _notFound = false;
        _message = null;
        _errors = new Dictionary<string, string[]>();
        var actor = await CurrentActor.GetAsync();
        _canAuthor = actor.CanAuthor;
        try
        {
            if (Id is null)
            {
                _template = null;
                _editable = _canAuthor;
                _form = From is null ? new TemplateFormState() : TemplateFormState.From(await TemplateService.GetAsync(actor, From, default), " (copy)");
                if (!_canAuthor) _message = "Viewers cannot create templates; ask an admin for the analyst role.";
            }
            else
            {
                _template = await TemplateService.GetAsync(actor, Id, default);
                _editable = !_template.BuiltIn && actor.CanEditOwnedBy(_template.OwnerId);
                _form = TemplateFormState.From(_template);
            }
        }
        catch (NotFoundException)
        {
            _notFound = true;
        }
        _loading = false;
    }

    private IEnumerable<string> RowErrors(int index, string name) =>
        _errors.Where(e => e.Key.StartsWith($"parameters[{index}]", StringComparison.Ordinal) || e.Key == $"parameters.{name.Trim()}")
            .SelectMany(e => e.Value);

    private async Task SaveAsync()
    {
        _busy = true;
        _message = null;
        _unplaced = [];
        try
        {
            var actor = await CurrentActor.GetAsync();
            var saved = _template is null
                ? await TemplateService.CreateAsync(actor, _form.ToInput(), default)
                : await TemplateService.UpdateAsync(actor, _template.Id, _form.ToInput(), default);
            _errors = new Dictionary<string, string[]>();
            Navigation.NavigateTo("/reports");
        }
        catch (ValidationException e)
        {
            _errors = e.Errors;
            var placed = new HashSet<string>(["name", "category", "reportType", "sql", "sourceKinds", "parameters", "reportConfig",
                "reportConfig.grain", "reportConfig.dimensions", "reportConfig.measures", "reportConfig.fields"]);
            for (var i = 0; i < _form.Parameters.Count; i++)
            {
                var prefix = $"parameters[{i}]";
                placed.UnionWith(e.Errors.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal)));
                placed.Add($"parameters.{_form.Parameters[i].Name.Trim()}");
            }
            _unplaced = TemplateFormState.Unplaced(e.Errors, placed).ToList();
            _message = "The template was not saved; fix the fields marked below.";
        }
        catch (DomainException e)
        {
            _message = e.Message;
        }
        finally
        {
            _busy = false;
        }
    }

    private async Task DeleteAsync()
    {
        if (_template is null) return;
        if (await Dialogs.ShowMessageBoxAsync("Delete template", $"Delete template “{_template.Name}”?", yesText: "Delete", cancelText: "Keep it",
                options: new DialogOptions { CloseOnEscapeKey = true }) != true) return;
        try
        {
            await TemplateService.DeleteAsync(await CurrentActor.GetAsync(), _template.Id, default);
            Navigation.NavigateTo("/reports");
        }
        catch (DomainException e)
        {
            _message = e.Message;
        }
    }
}
