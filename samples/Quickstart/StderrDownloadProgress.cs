using System.Globalization;
using SkEmbeddingGemma.Hub;

namespace Quickstart;

/// <summary>
/// Writes Hub download progress to stderr, a line per file every 10 %, so stdout keeps only the results. It reports on
/// the downloading thread (unlike <see cref="Progress{T}"/>, which would reorder lines on the thread pool).
/// </summary>
internal sealed class StderrDownloadProgress : IProgress<HubDownloadProgress>
{
    private readonly Dictionary<string, int> _lastTenth = new(StringComparer.Ordinal);

    public void Report(HubDownloadProgress value)
    {
        lock (_lastTenth)
        {
            if (_lastTenth.Count == 0)
            {
                Console.Error.WriteLine("Downloading EmbeddingGemma from the Hugging Face Hub (first run only; later runs use the cache):");
            }

            int tenth = value.TotalBytes is > 0 and long total ? (int)(value.BytesDownloaded * 10 / total) : 0;
            if (_lastTenth.TryGetValue(value.FileName, out int last) && last >= tenth)
            {
                return;
            }

            _lastTenth[value.FileName] = tenth;
            string size = value.TotalBytes is long bytes ? $" of {bytes / 1e6:N1} MB" : string.Empty;
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {value.FileName}: {tenth * 10,3} %{size}"));
        }
    }
}
