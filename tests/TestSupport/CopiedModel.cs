namespace SkEmbeddingGemma.TestSupport;

/// <summary>A writable copy of the tiny model folder (hard links for the big files), for tests that break it.</summary>
public sealed class CopiedModel : IDisposable
{
    private readonly TempFolder _folder = new();

    public CopiedModel(string source)
    {
        foreach (string file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            string target = System.IO.Path.Combine(_folder.Path, System.IO.Path.GetRelativePath(source, file));
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    public string Path => _folder.Path;

    public string FilePath(string relative) => System.IO.Path.Combine(_folder.Path, relative);

    public void Dispose() => _folder.Dispose();
}
