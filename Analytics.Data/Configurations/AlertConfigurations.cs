using Analytics.Domain.Access;
using Analytics.Domain.Alerts;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Analytics.Data.Configurations;

internal sealed class AlertRuleConfiguration : IEntityTypeConfiguration<AlertRule>
{
    public void Configure(EntityTypeBuilder<AlertRule> b)
    {
        b.ToTable("AlertRules");
        b.HasKey(r => r.Id);
        b.Property(r => r.Id).HasMaxLength(64);
        b.Property(r => r.Name).HasMaxLength(200);
        b.Property(r => r.OwnerId).HasMaxLength(64);
        b.Property(r => r.Metric).HasMaxLength(200);
        b.Property(r => r.Aggregation).HasMaxLength(10);
        b.Property(r => r.Window).HasMaxLength(10);
        b.Property(r => r.Kind).HasConversion<string>().HasMaxLength(20);
        b.Property(r => r.Op).HasConversion<string>().HasMaxLength(20);
        b.Property(r => r.State).HasConversion<string>().HasMaxLength(20);
        b.Property(r => r.Filters).HasJsonConversion();
        b.Property(r => r.SourceIds).HasJsonConversion();
        b.Property(r => r.Channels).HasJsonConversion();
        b.Ignore(r => r.WindowSpan);
        b.HasIndex(r => r.OwnerId);
    }
}

internal sealed class AlertEventConfiguration : IEntityTypeConfiguration<AlertEvent>
{
    public void Configure(EntityTypeBuilder<AlertEvent> b)
    {
        b.ToTable("AlertEvents");
        b.HasKey(e => e.Id);
        b.Property(e => e.Id).HasMaxLength(64);
        b.Property(e => e.RuleId).HasMaxLength(64);
        b.Property(e => e.RuleName).HasMaxLength(200);
        b.Property(e => e.OwnerId).HasMaxLength(64);
        b.Property(e => e.Kind).HasMaxLength(20);
        b.HasOne<AlertRule>().WithMany().HasForeignKey(e => e.RuleId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(e => new { e.OwnerId, e.At });
        b.HasIndex(e => new { e.RuleId, e.At });
    }
}

internal sealed class NotificationConfiguration : IEntityTypeConfiguration<Notification>
{
    public void Configure(EntityTypeBuilder<Notification> b)
    {
        b.ToTable("Notifications");
        b.HasKey(n => n.Id);
        b.Property(n => n.Id).HasMaxLength(64);
        b.Property(n => n.UserId).HasMaxLength(64);
        b.Property(n => n.Title).HasMaxLength(300);
        b.Property(n => n.Link).HasMaxLength(500);
        b.Property(n => n.Category).HasMaxLength(40);
        b.HasIndex(n => new { n.UserId, n.ReadAt, n.CreatedAt });
    }
}
