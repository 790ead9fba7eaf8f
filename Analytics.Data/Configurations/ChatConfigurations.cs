using Analytics.Domain.Chat;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Analytics.Data.Configurations;

internal sealed class ChatConversationConfiguration : IEntityTypeConfiguration<ChatConversation>
{
    public void Configure(EntityTypeBuilder<ChatConversation> b)
    {
        b.ToTable("ChatConversations");
        b.HasKey(c => c.Id);
        b.Property(c => c.Id).HasMaxLength(64);
        b.Property(c => c.UserId).HasMaxLength(64);
        b.Property(c => c.Title).HasMaxLength(200);
        b.HasMany(c => c.Messages).WithOne().HasForeignKey(m => m.ConversationId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(c => new { c.UserId, c.UpdatedAt });
    }
}

internal sealed class ChatMessageConfiguration : IEntityTypeConfiguration<ChatMessage>
{
    public void Configure(EntityTypeBuilder<ChatMessage> b)
    {
        b.ToTable("ChatMessages");
        b.HasKey(m => m.Id);
        b.Property(m => m.Id).HasMaxLength(64);
        b.Property(m => m.ConversationId).HasMaxLength(64);
        b.Property(m => m.Role).HasMaxLength(20);
        b.HasIndex(m => new { m.ConversationId, m.Seq }).IsUnique();
        b.HasIndex(m => new { m.Role, m.CreatedAt });
    }
}

internal sealed class ChatAuditEntryConfiguration : IEntityTypeConfiguration<ChatAuditEntry>
{
    public void Configure(EntityTypeBuilder<ChatAuditEntry> b)
    {
        b.ToTable("ChatAudit");
        b.HasKey(a => a.Id);
        b.Property(a => a.Id).HasMaxLength(64);
        b.Property(a => a.UserId).HasMaxLength(64);
        b.Property(a => a.ConversationId).HasMaxLength(64);
        b.Property(a => a.Function).HasMaxLength(100);
        b.Property(a => a.Outcome).HasMaxLength(40);
        b.HasIndex(a => a.CreatedAt);
        b.HasIndex(a => new { a.UserId, a.CreatedAt });
    }
}

internal sealed class ChatBookmarkConfiguration : IEntityTypeConfiguration<ChatBookmark>
{
    public void Configure(EntityTypeBuilder<ChatBookmark> b)
    {
        b.ToTable("ChatBookmarks");
        b.HasKey(x => x.Id);
        b.Property(x => x.Id).HasMaxLength(64);
        b.Property(x => x.UserId).HasMaxLength(64);
        b.Property(x => x.ConversationId).HasMaxLength(64);
        b.Property(x => x.MessageId).HasMaxLength(64);
        b.Property(x => x.Note).HasMaxLength(200);
        b.HasOne<ChatMessage>().WithMany().HasForeignKey(x => x.MessageId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(x => new { x.UserId, x.MessageId }).IsUnique();
    }
}

internal sealed class ChatEgressSettingConfiguration : IEntityTypeConfiguration<Analytics.Domain.Chat.Egress.ChatEgressSetting>
{
    public void Configure(EntityTypeBuilder<Analytics.Domain.Chat.Egress.ChatEgressSetting> b)
    {
        b.ToTable("ChatEgressSettings");
        b.HasKey(s => s.SourceId);
        b.Property(s => s.SourceId).HasMaxLength(64);
        b.Property(s => s.Mode).HasConversion<string>().HasMaxLength(20);
        b.Property(s => s.UpdatedBy).HasMaxLength(64);
    }
}

internal sealed class ChatEgressAuditEntryConfiguration : IEntityTypeConfiguration<Analytics.Domain.Chat.Egress.ChatEgressAuditEntry>
{
    public void Configure(EntityTypeBuilder<Analytics.Domain.Chat.Egress.ChatEgressAuditEntry> b)
    {
        b.ToTable("ChatEgressAudit");
        b.HasKey(a => a.Id);
        b.Property(a => a.Id).HasMaxLength(64);
        b.Property(a => a.UserId).HasMaxLength(64);
        b.Property(a => a.ConversationId).HasMaxLength(64);
        b.Property(a => a.Mode).HasMaxLength(20);
        b.Property(a => a.Model).HasMaxLength(200);
        b.Property(a => a.Endpoint).HasMaxLength(300);
        b.Property(a => a.RequestSha256).HasMaxLength(64);
        b.Property(a => a.ResponseSha256).HasMaxLength(64);
        b.Property(a => a.Outcome).HasMaxLength(20);
        b.HasIndex(a => a.CreatedAt);
        b.HasIndex(a => new { a.UserId, a.CreatedAt });
    }
}
