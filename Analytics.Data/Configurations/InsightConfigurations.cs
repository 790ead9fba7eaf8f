using Analytics.Domain.Insights;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Analytics.Data.Configurations;

internal sealed class InsightConfiguration : IEntityTypeConfiguration<Insight>
{
    public void Configure(EntityTypeBuilder<Insight> b)
    {
        b.ToTable("Insights");
        b.HasKey(i => i.Id);
        b.Property(i => i.Id).HasMaxLength(64);
        b.Property(i => i.Key).HasMaxLength(64);
        b.Property(i => i.Type).HasConversion<string>().HasMaxLength(20);
        b.Property(i => i.Priority).HasConversion<string>().HasMaxLength(20);
        b.Property(i => i.SourceId).HasMaxLength(64);
        b.Property(i => i.Dataset).HasMaxLength(100);
        b.Property(i => i.SegmentDimension).HasMaxLength(100);
        b.Property(i => i.Segment).HasMaxLength(500);
        b.Property(i => i.Metric).HasMaxLength(100);
        b.Property(i => i.Title).HasMaxLength(300);
        b.Property(i => i.DashboardId).HasMaxLength(64);
        b.Property(i => i.Scope).HasMaxLength(2000);
        b.Ignore(i => i.Instances);
        b.HasIndex(i => i.Key).IsUnique();
        b.HasIndex(i => new { i.SourceId, i.CreatedAt });
    }
}

internal sealed class InsightUserStateConfiguration : IEntityTypeConfiguration<InsightUserState>
{
    public void Configure(EntityTypeBuilder<InsightUserState> b)
    {
        b.ToTable("InsightUserStates");
        b.HasKey(s => new { s.InsightId, s.UserId });
        b.Property(s => s.InsightId).HasMaxLength(64);
        b.Property(s => s.UserId).HasMaxLength(64);
        b.HasOne<Insight>().WithMany().HasForeignKey(s => s.InsightId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(s => s.UserId);
    }
}

internal sealed class InsightDeliveryConfiguration : IEntityTypeConfiguration<InsightDelivery>
{
    public void Configure(EntityTypeBuilder<InsightDelivery> b)
    {
        b.ToTable("InsightDeliveries");
        b.HasKey(d => d.Id);
        b.Property(d => d.Id).HasMaxLength(64);
        b.Property(d => d.InsightId).HasMaxLength(64);
        b.Property(d => d.UserId).HasMaxLength(64);
        b.Property(d => d.Channel).HasConversion<string>().HasMaxLength(20);
        b.Property(d => d.Status).HasConversion<string>().HasMaxLength(20);
        b.Property(d => d.Frequency).HasMaxLength(20);
        b.Property(d => d.MessageId).HasMaxLength(64);
        b.Property(d => d.Error).HasMaxLength(2000);
        b.HasOne<Insight>().WithMany().HasForeignKey(d => d.InsightId).OnDelete(DeleteBehavior.Cascade);
        // One delivery per insight, user and channel: nobody gets the same insight twice on a channel.
        b.HasIndex(d => new { d.InsightId, d.UserId, d.Channel }).IsUnique();
        b.HasIndex(d => new { d.Status, d.UserId });
    }
}
