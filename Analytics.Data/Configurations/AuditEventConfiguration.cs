using Analytics.Domain.Access;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Analytics.Data.Configurations;

/// <summary>
/// The audit trail (<c>audit_events</c>). No foreign keys: an entry outlives the user, key, source or dashboard it
/// names. The migration adds triggers that refuse UPDATE and DELETE, so the table is append-only in the database too.
/// </summary>
internal sealed class AuditEventConfiguration : IEntityTypeConfiguration<AuditEvent>
{
    public void Configure(EntityTypeBuilder<AuditEvent> b)
    {
        b.ToTable("AuditEvents");
        b.HasKey(e => e.Id);
        b.Property(e => e.Id).HasMaxLength(32);
        b.Property(e => e.ActorId).HasMaxLength(64);
        b.Property(e => e.ActorName).HasMaxLength(256);
        b.Property(e => e.Action).HasMaxLength(64);
        b.Property(e => e.TargetType).HasMaxLength(64);
        b.Property(e => e.TargetId).HasMaxLength(256);
        b.Property(e => e.Detail).HasMaxLength(2000);
        b.Property(e => e.ClientIp).HasMaxLength(64);
        b.HasIndex(e => e.At);
        b.HasIndex(e => new { e.Action, e.Id });
        b.HasIndex(e => new { e.ActorId, e.Id });
        b.HasIndex(e => new { e.TargetId, e.Id });
    }
}
