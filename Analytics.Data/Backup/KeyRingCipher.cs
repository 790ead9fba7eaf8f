using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Analytics.Data.Backup;

/// <summary>
/// Encrypts the key ring part of a backup with a passphrase: AES-256-GCM under a key from PBKDF2-HMAC-SHA256 with a random
/// 16-byte salt and 600,000 iterations, a random 12-byte nonce. Layout: <c>AKR1</c>, iterations (int32, big-endian),
/// salt, nonce, tag (16), ciphertext; the header is authenticated as associated data, so nothing in it can be changed.
/// </summary>
public static class KeyRingCipher
{
    public const int Iterations = 600_000;
    public const int MinIterations = 200_000;
    private const int SaltBytes = 16, NonceBytes = 12, TagBytes = 16, KeyBytes = 32;
    private const int HeaderBytes = 4 + 4 + SaltBytes + NonceBytes;
    private static ReadOnlySpan<byte> Magic => "AKR1"u8;

    public static byte[] Encrypt(ReadOnlySpan<byte> plaintext, string passphrase)
    {
        var output = new byte[HeaderBytes + TagBytes + plaintext.Length];
        var header = output.AsSpan(0, HeaderBytes);
        Magic.CopyTo(header);
        BinaryPrimitives.WriteInt32BigEndian(header[4..], Iterations);
        RandomNumberGenerator.Fill(header.Slice(8, SaltBytes));
        RandomNumberGenerator.Fill(header.Slice(8 + SaltBytes, NonceBytes));
        var key = Rfc2898DeriveBytes.Pbkdf2(passphrase, header.Slice(8, SaltBytes), Iterations, HashAlgorithmName.SHA256, KeyBytes);
        using var aes = new AesGcm(key, TagBytes);
        aes.Encrypt(header.Slice(8 + SaltBytes, NonceBytes), plaintext, output.AsSpan(HeaderBytes + TagBytes), output.AsSpan(HeaderBytes, TagBytes), header);
        CryptographicOperations.ZeroMemory(key);
        return output;
    }

    /// <summary>The plaintext; a <see cref="BackupException"/> when the passphrase is wrong or the part is not a key ring of ours.</summary>
    public static byte[] Decrypt(ReadOnlySpan<byte> data, string passphrase)
    {
        if (data.Length < HeaderBytes + TagBytes || !data[..4].SequenceEqual(Magic))
            throw new BackupException("The backup's key ring part is damaged (it does not start with an encrypted key ring): use another copy of the backup.");
        var header = data[..HeaderBytes];
        var iterations = BinaryPrimitives.ReadInt32BigEndian(header[4..]);
        if (iterations is < MinIterations or > 100_000_000)
            throw new BackupException($"The backup's key ring names {iterations} PBKDF2 iterations, outside {MinIterations}..100000000: the file is damaged or not ours.");
        var key = Rfc2898DeriveBytes.Pbkdf2(passphrase, header.Slice(8, SaltBytes), iterations, HashAlgorithmName.SHA256, KeyBytes);
        var plaintext = new byte[data.Length - HeaderBytes - TagBytes];
        try
        {
            using var aes = new AesGcm(key, TagBytes);
            aes.Decrypt(header.Slice(8 + SaltBytes, NonceBytes), data[(HeaderBytes + TagBytes)..], data.Slice(HeaderBytes, TagBytes), plaintext, header);
            return plaintext;
        }
        catch (AuthenticationTagMismatchException e)
        {
            throw new BackupException("Wrong passphrase: the backup's key ring does not decrypt with it. Give the passphrase the backup was taken with (--passphrase or Analytics:Backup:Passphrase).", e);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }
}
