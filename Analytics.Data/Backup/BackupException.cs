namespace Analytics.Data.Backup;

/// <summary>A backup or restore that cannot go on, with a message that says what was wrong and what to do; nothing was changed.</summary>
public sealed class BackupException(string message, Exception? inner = null) : Exception(message, inner);
