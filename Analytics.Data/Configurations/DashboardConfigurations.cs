using Analytics.Domain.Dashboards;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Analytics.Data.Configurations;

internal sealed class DashboardConfiguration : IEntityTypeConfiguration<Dashboard>
{
    public void Configure(EntityTypeBuilder<Dashboard> b)
    {
        b.ToTable("Dashboards");
        b.HasKey(d => d.Id);
        b.Property(d => d.Id).HasMaxLength(64);
        b.Property(d => d.Name).HasMaxLength(200);
        b.Property(d => d.OwnerId).HasMaxLength(64);
        b.Property(d => d.FolderId).HasMaxLength(64);
        b.Property(d => d.PublicToken).HasMaxLength(64);
        b.Property(d => d.UpdatedBy).HasMaxLength(64);
        b.HasMany(d => d.Widgets).WithOne().HasForeignKey(w => w.DashboardId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(d => d.OwnerId);
        b.HasIndex(d => d.FolderId);
        b.HasIndex(d => d.PublicToken).IsUnique();
    }
}

internal sealed class WidgetConfiguration : IEntityTypeConfiguration<Widget>
{
    public void Configure(EntityTypeBuilder<Widget> b)
    {
        b.ToTable("Widgets");
        // Widget ids are unique within their dashboard (clients keep them across saves and copies).
        b.HasKey(w => new { w.DashboardId, w.Id });
        b.Property(w => w.Id).HasMaxLength(64);
        b.Property(w => w.DashboardId).HasMaxLength(64);
        b.Property(w => w.Type).HasMaxLength(20);
    }
}

internal sealed class DashboardFolderConfiguration : IEntityTypeConfiguration<DashboardFolder>
{
    public void Configure(EntityTypeBuilder<DashboardFolder> b)
    {
        b.ToTable("DashboardFolders");
        b.HasKey(f => f.Id);
        b.Property(f => f.Id).HasMaxLength(64);
        b.Property(f => f.Name).HasMaxLength(200);
        b.Property(f => f.OwnerId).HasMaxLength(64);
        b.Property(f => f.ParentId).HasMaxLength(64);
        b.HasIndex(f => f.ParentId);
    }
}

internal sealed class DashboardShareConfiguration : IEntityTypeConfiguration<DashboardShare>
{
    public void Configure(EntityTypeBuilder<DashboardShare> b)
    {
        b.ToTable("DashboardShares");
        b.HasKey(s => s.Id);
        b.Property(s => s.Id).HasMaxLength(64);
        b.Property(s => s.TargetKind).HasConversion<string>().HasMaxLength(20);
        b.Property(s => s.TargetId).HasMaxLength(64);
        b.Property(s => s.PrincipalKind).HasConversion<string>().HasMaxLength(20);
        b.Property(s => s.PrincipalId).HasMaxLength(64);
        b.Property(s => s.Permission).HasConversion<string>().HasMaxLength(20);
        b.Property(s => s.CreatedBy).HasMaxLength(64);
        b.HasIndex(s => new { s.TargetKind, s.TargetId, s.PrincipalKind, s.PrincipalId }).IsUnique();
        b.HasIndex(s => new { s.PrincipalKind, s.PrincipalId });
    }
}

internal sealed class TeamConfiguration : IEntityTypeConfiguration<Team>
{
    public void Configure(EntityTypeBuilder<Team> b)
    {
        b.ToTable("Teams");
        b.HasKey(t => t.Id);
        b.Property(t => t.Id).HasMaxLength(64);
        b.Property(t => t.Name).HasMaxLength(200);
        b.HasIndex(t => t.Name).IsUnique();
        b.HasMany(t => t.Members).WithOne().HasForeignKey(m => m.TeamId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class TeamMemberConfiguration : IEntityTypeConfiguration<TeamMember>
{
    public void Configure(EntityTypeBuilder<TeamMember> b)
    {
        b.ToTable("TeamMembers");
        b.HasKey(m => new { m.TeamId, m.UserId });
        b.Property(m => m.TeamId).HasMaxLength(64);
        b.Property(m => m.UserId).HasMaxLength(64);
        b.HasIndex(m => m.UserId);
    }
}

internal sealed class DashboardCommentConfiguration : IEntityTypeConfiguration<DashboardComment>
{
    public void Configure(EntityTypeBuilder<DashboardComment> b)
    {
        b.ToTable("DashboardComments");
        b.HasKey(c => c.Id);
        b.Property(c => c.Id).HasMaxLength(64);
        b.Property(c => c.DashboardId).HasMaxLength(64);
        b.Property(c => c.WidgetId).HasMaxLength(64);
        b.Property(c => c.AuthorId).HasMaxLength(64);
        b.Property(c => c.Body).HasMaxLength(4000);
        b.HasIndex(c => new { c.DashboardId, c.CreatedAt });
    }
}

internal sealed class DashboardFavoriteConfiguration : IEntityTypeConfiguration<DashboardFavorite>
{
    public void Configure(EntityTypeBuilder<DashboardFavorite> b)
    {
        b.ToTable("DashboardFavorites");
        b.HasKey(f => new { f.UserId, f.DashboardId });
        b.Property(f => f.UserId).HasMaxLength(64);
        b.Property(f => f.DashboardId).HasMaxLength(64);
    }
}

internal sealed class DashboardVisitConfiguration : IEntityTypeConfiguration<DashboardVisit>
{
    public void Configure(EntityTypeBuilder<DashboardVisit> b)
    {
        b.ToTable("DashboardVisits");
        b.HasKey(v => new { v.UserId, v.DashboardId });
        b.Property(v => v.UserId).HasMaxLength(64);
        b.Property(v => v.DashboardId).HasMaxLength(64);
        b.HasIndex(v => new { v.UserId, v.OpenedAt });
    }
}
