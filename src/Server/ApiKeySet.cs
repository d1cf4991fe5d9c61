using System.Security.Cryptography;
using System.Text;

namespace SkEmbeddingGemma.AspNetCore;

/// <summary>
/// The accepted API keys, kept as SHA-256 digests and compared in constant time: neither a key's content nor its length
/// shows in how long a refusal takes. Thread-safe.
/// </summary>
internal sealed class ApiKeySet(IEnumerable<string> keys)
{
    private readonly byte[][] _digests = [.. keys.Select(Digest)];

    public bool IsEnabled => _digests.Length > 0;

    /// <summary>Whether <paramref name="presented"/> is one of the keys; every key is compared, whatever matches first.</summary>
    public bool Accepts(string? presented)
    {
        byte[] digest = Digest(presented ?? string.Empty);
        bool match = false;
        foreach (byte[] key in _digests)
        {
            match |= CryptographicOperations.FixedTimeEquals(key, digest);
        }

        return match && presented is not null;
    }

    private static byte[] Digest(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));
}
