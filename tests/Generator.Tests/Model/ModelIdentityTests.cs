using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;
using SkEmbeddingGemma.ModelFactory;
using SkEmbeddingGemma.TestSupport;

namespace SkEmbeddingGemma.Tests.Model;

/// <summary>
/// <see cref="EmbeddingGeneratorMetadata.DefaultModelId"/> is the content identity of the loaded model, through the
/// public API: real folders, real ONNX Runtime, real files.
/// </summary>
public sealed partial class ModelIdentityTests : IClassFixture<TinyModelFixture>
{
    private readonly TinyModelFixture _fixture;

    public ModelIdentityTests(TinyModelFixture fixture) => _fixture = fixture;

    [GeneratedRegex("^gemma3_text@sha256:[0-9a-f]{64}$")]
    private static partial Regex IdentityFormat();

    private static string IdentityOf(string folder, EmbeddingGemmaGeneratorOptions? options = null)
    {
        using var generator = new EmbeddingGemmaGenerator(folder, options);
        return generator.GetService<EmbeddingGeneratorMetadata>()!.DefaultModelId!;
    }

    [Fact]
    public void The_identity_names_the_model_type_and_a_sha256_and_is_stable()
    {
        string identity = _fixture.Generator.GetService<EmbeddingGeneratorMetadata>()!.DefaultModelId!;
        Assert.Matches(IdentityFormat(), identity);
        Assert.Same(_fixture.Generator.GetService<EmbeddingGeneratorMetadata>(), _fixture.Generator.GetService<EmbeddingGeneratorMetadata>());
        Assert.Equal(identity, IdentityOf(_fixture.ModelDirectory));

        // The id on each embedding stays the folder name (or the option).
        Assert.Equal(Path.GetFileName(_fixture.ModelDirectory), _fixture.Generator.ModelId);
        Assert.NotEqual(_fixture.Generator.ModelId, identity);
    }

    [Fact]
    public void Different_weights_give_different_identities()
    {
        // Two folders of the same name, so only their content can tell them apart.
        using var first = new TempFolder();
        using var second = new TempFolder();
        string[] folders = [Path.Combine(first.Path, "model"), Path.Combine(second.Path, "model")];
        for (int i = 0; i < folders.Length; i++)
        {
            EmbeddingGemmaModelWriter.Write(folders[i], GemmaEncoderConfig.Tiny, TestModels.Seed + 1 + i, GemmaTokenizerAssets.EmbeddingGemmaTokenizerDirectory, ModelVariants.Float32);
        }

        string[] identities = [IdentityOf(folders[0]), IdentityOf(folders[1])];
        Assert.All(identities, identity => Assert.Matches(IdentityFormat(), identity));
        Assert.NotEqual(identities[0], identities[1]);
    }

    [Fact]
    public void A_copy_under_another_name_keeps_the_identity_and_the_model_id_option_does_not_change_it()
    {
        using var copy = new CopiedModel(_fixture.ModelDirectory);
        string renamed = Path.Combine(Path.GetDirectoryName(copy.Path)!, Path.GetFileName(copy.Path) + "-renamed elsewhere");
        Directory.Move(copy.Path, renamed);
        try
        {
            string expected = IdentityOf(_fixture.ModelDirectory);
            Assert.Equal(expected, IdentityOf(renamed));
            Assert.Equal(expected, IdentityOf(renamed, new EmbeddingGemmaGeneratorOptions { ModelId = "my-model" }));
        }
        finally
        {
            Directory.Delete(renamed, recursive: true);
        }
    }

    [Theory]
    [InlineData("config_sentence_transformers.json", "\"query\": \"task: search result | query: \"", "\"query\": \"task: search result | query:  \"")]
    [InlineData("tokenizer_config.json", "{", "{ ")]
    [InlineData("onnx/model.onnx_data", null, null)]
    public void Changing_one_file_that_shapes_the_vectors_changes_the_identity(string file, string? find, string? replace)
    {
        using var copy = new CopiedModel(_fixture.ModelDirectory);
        string before = IdentityOf(copy.Path);
        string path = copy.FilePath(file);
        if (find is null)
        {
            // One flipped bit in the weights.
            using FileStream stream = File.Open(path, FileMode.Open, FileAccess.ReadWrite);
            stream.Position = stream.Length / 2;
            int b = stream.ReadByte();
            stream.Position--;
            stream.WriteByte((byte)(b ^ 1));
        }
        else
        {
            string text = File.ReadAllText(path);
            Assert.Contains(find, text, StringComparison.Ordinal);
            File.WriteAllText(path, ReplaceFirst(text, find, replace!));
        }

        Assert.NotEqual(before, IdentityOf(copy.Path));
    }

    [Theory]
    [InlineData("onnx/vision_encoder.onnx")]
    [InlineData("onnx/vision_encoder.onnx_data")]
    [InlineData("onnx/audio_encoder.onnx")]
    [InlineData("onnx/audio_encoder.onnx_data")]
    [InlineData("processor_config.json")]
    [InlineData("preprocessor_config.json")]
    public void Changing_a_media_encoder_or_its_preprocessing_changes_the_identity_of_a_multimodal_folder(string file)
    {
        // Two folders differing only in what shapes their image or audio vectors must not share an id, or a store or
        // cache keyed by it would mix their media vectors.
        using var copy = new CopiedModel(TestModels.EnsureTinyEmbeddingGemma2Model());
        string before = IdentityOf(copy.Path);
        Assert.StartsWith("embedding_gemma2@sha256:", before, StringComparison.Ordinal);
        string path = copy.FilePath(file);
        if (file.EndsWith(".json", StringComparison.Ordinal))
        {
            string text = File.ReadAllText(path);
            File.WriteAllText(path, ReplaceFirst(text, "{", "{ "));
        }
        else
        {
            using FileStream stream = File.Open(path, FileMode.Open, FileAccess.ReadWrite);
            stream.Position = stream.Length / 2;
            int b = stream.ReadByte();
            stream.Position--;
            stream.WriteByte((byte)(b ^ 1));
        }

        Assert.NotEqual(before, IdentityOf(copy.Path));
    }

    [Fact]
    public void A_text_only_folder_keeps_its_identity_and_removing_the_media_encoders_changes_a_multimodal_one()
    {
        // A text-only folder (no encoders, no processor files) is unaffected by stray media names being absent...
        using var copy = new CopiedModel(TestModels.EnsureTinyEmbeddingGemma2Model());
        string multimodal = IdentityOf(copy.Path);
        foreach (string file in new[] { "onnx/vision_encoder.onnx", "onnx/vision_encoder.onnx_data", "onnx/audio_encoder.onnx", "onnx/audio_encoder.onnx_data" })
        {
            File.Delete(copy.FilePath(file));
        }

        // ... while the folder that lost its encoders is no longer the multimodal model.
        string textOnly = IdentityOf(copy.Path);
        Assert.NotEqual(multimodal, textOnly);
        Assert.Equal(textOnly, IdentityOf(copy.Path));
    }

    [Fact]
    public void A_hub_cache_snapshot_of_symlinks_to_sha256_blobs_has_the_identity_of_the_plain_folder()
    {
        using var cache = new TempFolder();
        string blobs = Path.Combine(cache.Path, "models--org--model", "blobs");
        string snapshot = Path.Combine(cache.Path, "models--org--model", "snapshots", "0123456789abcdef0123456789abcdef01234567");
        Directory.CreateDirectory(blobs);
        foreach (string file in Directory.EnumerateFiles(_fixture.ModelDirectory, "*", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(_fixture.ModelDirectory, file);

            // As huggingface_hub names them: LFS files by their SHA-256, small files by a git SHA-1.
            string blobName = new FileInfo(file).Length > 1_000_000
                ? Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(file)))
                : Convert.ToHexStringLower(SHA1.HashData(File.ReadAllBytes(file)));
            string blob = Path.Combine(blobs, blobName);
            if (!File.Exists(blob))
            {
                File.Copy(file, blob);
            }

            string link = Path.Combine(snapshot, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(link)!);
            File.CreateSymbolicLink(link, Path.GetRelativePath(Path.GetDirectoryName(link)!, blob));
        }

        Assert.Equal(IdentityOf(_fixture.ModelDirectory), IdentityOf(snapshot));
    }

    [Fact]
    public void A_file_changed_after_the_load_is_refused_rather_than_described()
    {
        using var copy = new CopiedModel(_fixture.ModelDirectory);
        using var generator = new EmbeddingGemmaGenerator(copy.Path);
        string prompts = copy.FilePath("config_sentence_transformers.json");
        File.AppendAllText(prompts, "\n");
        InvalidOperationException e = Assert.Throws<InvalidOperationException>(() => generator.GetService<EmbeddingGeneratorMetadata>());
        Assert.Contains(prompts, e.Message, StringComparison.Ordinal);
    }

    private static string ReplaceFirst(string text, string find, string replace)
    {
        int at = text.IndexOf(find, StringComparison.Ordinal);
        return string.Concat(text.AsSpan(0, at), replace, text.AsSpan(at + find.Length));
    }
}
