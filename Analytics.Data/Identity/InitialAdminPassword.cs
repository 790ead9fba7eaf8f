using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Analytics.Data.Identity;

/// <summary>
/// Hands the generated first admin's password to the operator. Outside Development it goes to a file only the
/// app's user can read (mode 0600, under <c>Analytics:DataDirectory</c>) and the console shows only the file's
/// path, so the password never reaches log collectors; in Development it is printed once. The file is deleted when
/// that admin chooses their own password.
/// </summary>
public sealed class InitialAdminPassword(IConfiguration configuration, IHostEnvironment environment, ILogger<InitialAdminPassword> logger)
{
    public const string FileName = "initial-admin-password.txt";

    public string FilePath => Path.GetFullPath(Path.Combine(configuration["Analytics:DataDirectory"] ?? "data", FileName));

    public void Announce(string email, string password)
    {
        if (environment.IsDevelopment())
        {
            Console.WriteLine($"""

                ============================================================
                  First admin created: {email}
                  Password:            {password}
                  Shown once (Development only). You will choose your own at first sign-in.
                ============================================================

                """);
            return;
        }
        var path = FilePath;
        Write(path, $"First admin: {email}\nPassword: {password}\nYou will be asked to choose your own password at first sign-in; this file is deleted then.\n");
        Console.WriteLine($"""

            ============================================================
              First admin created: {email}
              Its generated password is in {path}
              (readable only by this app's user). Sign in and choose your own.
            ============================================================

            """);
        logger.LogWarning("First admin {Email} created; its generated password was written to {Path}", email, path);
    }

    /// <summary>Deletes the password file once the admin it names has chosen their own password.</summary>
    public void Forget(string? email)
    {
        var path = FilePath;
        try
        {
            if (email is null || !File.Exists(path)) return;
            if (!File.ReadAllText(path).Contains($"First admin: {email}\n", StringComparison.OrdinalIgnoreCase)) return;
            File.Delete(path);
            logger.LogInformation("Deleted {Path}: the first admin chose their own password", path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            logger.LogWarning(e, "Could not delete {Path}; delete it by hand", path);
        }
    }

    /// <summary>Writes the file whole and readable only by its owner: created 0600 beside it, then moved into place.</summary>
    private static void Write(string path, string text)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        try
        {
            using (var stream = new FileStream(temporary, options))
            using (var writer = new StreamWriter(stream))
            {
                writer.Write(text);
            }
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
    }
}
