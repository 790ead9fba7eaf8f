using Microsoft.AspNetCore.Components;

namespace Analytics.Web.Components.Shared;

/// <summary>
/// One action of an <see cref="ActionBar"/>: a button on wide screens, a menu item on phones (its test id there is
/// <c>{TestId}-menu</c>). Give either <see cref="OnClick"/> or <see cref="Href"/>.
/// </summary>
public sealed record PageAction(string Text, string TestId, EventCallback OnClick = default, string? Icon = null, string? Href = null,
    bool Disabled = false, string? Title = null);
