using Analytics.Domain;
using Analytics.Domain.Access;

namespace Analytics.Tests.Domain;

public sealed class ActorTests
{
    private static Actor Make(Role role, params string[] instances) => new("u1", "User One", role, instances.ToHashSet());

    [Fact]
    public void Admin_can_read_every_instance_without_grants()
    {
        var admin = Make(Role.Admin);

        admin.CanReadInstance("demo-northwind").Should().BeTrue();
        admin.CanReadInstance("anything-else").Should().BeTrue();
        admin.Invoking(a => a.EnsureCanReadInstance("anything-else")).Should().NotThrow();
    }

    [Theory]
    [InlineData(Role.Analyst)]
    [InlineData(Role.Viewer)]
    public void Non_admin_reads_only_granted_instances(Role role)
    {
        var actor = Make(role, "demo-northwind");

        actor.CanReadInstance("demo-northwind").Should().BeTrue();
        actor.CanReadInstance("demo-contoso").Should().BeFalse();
    }

    [Fact]
    public void EnsureCanReadInstance_hides_ungranted_instances_as_not_found()
    {
        var analyst = Make(Role.Analyst, "demo-northwind");

        var act = () => analyst.EnsureCanReadInstance("demo-contoso");

        act.Should().Throw<NotFoundException>().Which.Id.Should().Be("demo-contoso");
        analyst.Invoking(a => a.EnsureCanReadInstance("demo-northwind")).Should().NotThrow();
    }

    [Fact]
    public void Viewers_cannot_author_but_analysts_and_admins_can()
    {
        Make(Role.Viewer).CanAuthor.Should().BeFalse();
        Make(Role.Viewer).Invoking(a => a.EnsureCanAuthor("create dashboards")).Should().Throw<ForbiddenException>();
        Make(Role.Analyst).CanAuthor.Should().BeTrue();
        Make(Role.Admin).CanAuthor.Should().BeTrue();
        Make(Role.Analyst).Invoking(a => a.EnsureCanAuthor("create dashboards")).Should().NotThrow();
    }

    [Theory]
    [InlineData(Role.Viewer)]
    [InlineData(Role.Analyst)]
    public void Only_admins_pass_EnsureAdmin(Role role)
    {
        Make(role).Invoking(a => a.EnsureAdmin("create users")).Should().Throw<ForbiddenException>();
        Make(Role.Admin).Invoking(a => a.EnsureAdmin("create users")).Should().NotThrow();
    }

    [Fact]
    public void Authors_edit_only_their_own_things_and_admins_edit_anything()
    {
        Make(Role.Analyst).CanEditOwnedBy("u1").Should().BeTrue();
        Make(Role.Analyst).CanEditOwnedBy("someone-else").Should().BeFalse();
        Make(Role.Viewer).CanEditOwnedBy("u1").Should().BeFalse();
        Make(Role.Admin).CanEditOwnedBy("someone-else").Should().BeTrue();
    }

    [Fact]
    public void Users_manage_only_their_own_keys_and_admins_anyones()
    {
        Make(Role.Viewer).CanManageKeysOf("u1").Should().BeTrue();
        Make(Role.Analyst).CanManageKeysOf("someone-else").Should().BeFalse();
        Make(Role.Admin).CanManageKeysOf("someone-else").Should().BeTrue();
    }

    [Theory]
    [InlineData("admin", Role.Admin)]
    [InlineData(" Analyst ", Role.Analyst)]
    [InlineData("VIEWER", Role.Viewer)]
    public void Role_names_parse_case_insensitively_and_round_trip(string wire, Role expected)
    {
        Roles.TryParse(wire, out var role).Should().BeTrue();
        role.Should().Be(expected);
        Roles.TryParse(role.ToWire(), out var again).Should().BeTrue();
        again.Should().Be(expected);
    }

    [Theory]
    [InlineData("owner")]
    [InlineData("")]
    [InlineData(null)]
    public void Unknown_role_names_do_not_parse(string? wire) => Roles.TryParse(wire, out _).Should().BeFalse();
}
