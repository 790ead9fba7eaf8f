using Analytics.Domain;
using Analytics.Domain.Demo;
using Analytics.Domain.Facts;

namespace Analytics.Tests.Domain;

public sealed class DatasetTests
{
    private static Dataset Make(List<DimensionField>? dimensions = null, List<MeasureField>? measures = null, string key = "ad_performance") => new()
    {
        Key = key, Name = "Ads", SourceId = "s1",
        Dimensions = dimensions ?? DemoWorkspace.Dimensions(),
        Measures = measures ?? DemoWorkspace.Measures(),
    };

    private static IReadOnlyDictionary<string, string[]> ErrorsOf(Dataset dataset) =>
        dataset.Invoking(d => d.Validate()).Should().Throw<ValidationException>().Which.Errors;

    [Fact]
    public void Demo_shape_is_valid() => Make().Invoking(d => d.Validate()).Should().NotThrow();

    [Fact]
    public void Missing_key_and_measures_are_both_reported()
    {
        ErrorsOf(Make(measures: [], key: " ")).Keys.Should().BeEquivalentTo("key", "measures");
    }

    [Fact]
    public void Too_many_dimensions_and_measures_are_reported()
    {
        var dims = Enumerable.Range(1, 7).Select(i => new DimensionField($"d{i}", $"D{i}", i)).ToList();
        var measures = Enumerable.Range(1, 11).Select(i => new MeasureField($"m{i}", $"M{i}", i)).ToList();

        var errors = ErrorsOf(Make(dims, measures));

        errors.Keys.Should().Contain(["dimensions", "measures"]);
        errors["dimensions"].Single().Should().Contain("7");
        errors["measures"].Single().Should().Contain("11");
    }

    [Fact]
    public void Field_names_must_be_unique_across_dimensions_and_measures_ignoring_case()
    {
        var errors = ErrorsOf(Make([new("Spend", "Spend", 1)], [new("spend", "Spend", 1)]));

        errors.Keys.Should().Equal("fields");
        errors["fields"].Single().Should().Contain("Spend");
    }

    [Fact]
    public void Duplicate_or_out_of_range_slots_are_reported()
    {
        var errors = ErrorsOf(Make(
            [new("a", "A", 1), new("b", "B", 1)],
            [new("x", "X", 0), new("y", "Y", Dataset.MaxMeasures + 1)]));

        errors.Keys.Should().BeEquivalentTo("dimensions.slot", "measures.slot");
    }

    [Fact]
    public void Fields_are_found_by_name_ignoring_case()
    {
        var dataset = Make();

        dataset.Dimension("CAMPAIGN")!.Slot.Should().Be(1);
        dataset.Measure("Spend")!.Slot.Should().Be(3);
        dataset.Measure("roas").Should().BeNull();
    }
}
