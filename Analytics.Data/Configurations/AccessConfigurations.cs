using Analytics.Data.Identity;
using Analytics.Domain.Access;
using Analytics.Domain.Sources;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Analytics.Data.Configurations;

internal sealed class AppUserConfiguration : IEntityTypeConfiguration<AppUser>
{
    public void Configure(EntityTypeBuilder<AppUser> b)
    {
        b.Property(u => u.DisplayName).HasMaxLength(200);
        b.Property(u => u.Role).HasConversion<string>().HasMaxLength(20);
        b.Property(u => u.TimeZone).HasMaxLength(64);
        b.Property(u => u.Theme).HasMaxLength(16);
    }
}

internal sealed class ApiKeyConfiguration : IEntityTypeConfiguration<ApiKey>
{
    public void Configure(EntityTypeBuilder<ApiKey> b)
    {
        b.ToTable("ApiKeys");
        b.HasKey(k => k.Id);
        b.Property(k => k.Id).HasMaxLength(32);
        b.Property(k => k.UserId).HasMaxLength(64);
        b.Property(k => k.Name).HasMaxLength(200);
        b.Property(k => k.Prefix).HasMaxLength(16);
        b.Property(k => k.Hash).HasMaxLength(64);
        b.HasIndex(k => k.Hash).IsUnique();
        b.HasIndex(k => k.UserId);
        b.HasOne<AppUser>().WithMany().HasForeignKey(k => k.UserId).OnDelete(DeleteBehavior.Cascade);
        b.Ignore(k => k.IsActive);
    }
}

internal sealed class InstanceGrantConfiguration : IEntityTypeConfiguration<InstanceGrant>
{
    public void Configure(EntityTypeBuilder<InstanceGrant> b)
    {
        b.ToTable("InstanceGrants");
        b.HasKey(g => new { g.UserId, g.SourceId });
        b.Property(g => g.UserId).HasMaxLength(64);
        b.Property(g => g.SourceId).HasMaxLength(64);
        b.HasIndex(g => g.SourceId);
        b.HasOne<AppUser>().WithMany().HasForeignKey(g => g.UserId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<DataSource>().WithMany().HasForeignKey(g => g.SourceId).OnDelete(DeleteBehavior.Cascade);
    }
}
