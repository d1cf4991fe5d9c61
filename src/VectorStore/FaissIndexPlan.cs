using Microsoft.Extensions.VectorData;
using SkEmbeddingGemma.VectorData.Faiss.Interop;

namespace SkEmbeddingGemma.VectorData.Faiss;

/// <summary>
/// Which FAISS index a collection derives from its stored vectors: float (flat, HNSW, IVF, SQ8), binary (Hamming
/// vectors, or the sign bits of float vectors as a two-stage first pass), SQ8 or a Matryoshka prefix. It creates the
/// index, reads its snapshot back, and names itself in the snapshot checksum so a snapshot of another plan (the options
/// changed between opens) is never loaded as this one.
/// </summary>
internal sealed class FaissIndexPlan
{
    private readonly int _dimensions;
    private readonly bool _innerProduct;
    private readonly string _kind;
    private readonly FaissCollectionOptions _options;
    private readonly FaissFirstPass? _firstPass;
    private readonly bool _binary;
    private readonly string? _indexPath;

    internal FaissIndexPlan(FaissVectorSlot slot, FaissCollectionOptions options)
    {
        int dimensions = slot.Dimensions;
        string propertyName = slot.Property.ModelName;
        bool hammingVectors = slot.Distance.Metric == FaissMetric.Hamming;
        _dimensions = dimensions;
        _options = options;
        _kind = slot.IndexKind;
        _innerProduct = slot.Distance.Metric == FaissMetric.InnerProduct;

        // Two-stage search is a collection option; a bit-vector property has no float vectors to rescore with, so in a
        // collection that also has float vector properties it applies to those only.
        _firstPass = hammingVectors ? null : options.TwoStageSearch?.FirstPass;
        _binary = hammingVectors || _firstPass == FaissFirstPass.Binary;
        if (_binary && dimensions % 8 != 0)
        {
            throw new NotSupportedException(
                $"Vector property '{propertyName}' has {dimensions} dimensions; binary indexes need a multiple of 8 (every Matryoshka width is one).");
        }

        if (_firstPass == FaissFirstPass.MatryoshkaPrefix && options.TwoStageSearch!.PrefixDimensions >= dimensions)
        {
            throw new NotSupportedException(
                $"The Matryoshka prefix ({options.TwoStageSearch.PrefixDimensions} dimensions) must be narrower than vector property '{propertyName}' ({dimensions}).");
        }

        if (options.IvfListsOnDisk)
        {
            if (_kind != IndexKind.IvfFlat || hammingVectors)
            {
                throw new NotSupportedException(
                    $"{nameof(FaissCollectionOptions.IvfListsOnDisk)} keeps float IVF lists on disk; vector property '{propertyName}' is {(hammingVectors ? "a bit vector" : _kind)}, not a float {IndexKind.IvfFlat} property.");
            }

            if (_firstPass is not null)
            {
                throw new NotSupportedException(
                    $"{nameof(FaissCollectionOptions.IvfListsOnDisk)} and {nameof(FaissCollectionOptions.TwoStageSearch)} don't combine (vector property '{propertyName}'): the on-disk IVF holds the float vectors themselves.");
            }

            _indexPath = slot.IndexPath;
        }

        Tag = _indexPath is not null ? "ivf-ondisk" : _binary ? $"binary-{_kind}" : _firstPass switch
        {
            FaissFirstPass.Int8 => "sq8",
            FaissFirstPass.MatryoshkaPrefix => $"prefix{options.TwoStageSearch!.PrefixDimensions}-{_kind}",
            _ => string.Empty,
        };
    }

    /// <summary>Gets the plan's name in snapshot checksums (empty for the plain float index, whose checksums carry none).</summary>
    internal string Tag { get; }

    /// <summary>Gets a value indicating whether search results are rescored exactly from SQLite.</summary>
    internal bool Rescores => _firstPass is not null;

    /// <summary>Gets a value indicating whether the index is an IVF, which waits for training vectors.</summary>
    internal bool IsIvf => _kind == IndexKind.IvfFlat && _firstPass != FaissFirstPass.Int8;

    /// <summary>Gets a value indicating whether the index is an IVF whose lists live in files (<see cref="FaissCollectionOptions.IvfListsOnDisk"/>).</summary>
    internal bool OnDisk => _indexPath is not null;

    /// <summary>Gets how many vectors a rebuild trains an IVF on: enough for every list the options ask for (39 each).</summary>
    internal int FullTrainingCount => (int)Math.Min((long)_options.IvfListCount * 39, int.MaxValue / Math.Max(1, _dimensions));

    /// <summary>Gets the IVF list count for a training set: about 39 vectors per list, FAISS's minimum, up to the option.</summary>
    internal int IvfListCount(long trainingCount) => (int)Math.Clamp(trainingCount / 39, 1, _options.IvfListCount);

    /// <summary>Prefixes a raw checksum with the plan's tag.</summary>
    internal string TagChecksum(string checksum) => Tag.Length == 0 ? checksum : Tag + ":" + checksum;

    /// <summary>Creates the index; an IVF is trained on <paramref name="training"/> (row-major, already normalized) and returns null without it.</summary>
    internal IFaissVectorIndex? Create(float[]? training)
    {
        if (IsIvf && (training is null || training.Length == 0))
        {
            return null;
        }

        IFaissVectorIndex index = _binary ? CreateBinary(training) : CreateFloat(training);
        if (!index.IsTrained && training is not null && training.Length > 0)
        {
            index.Train(training);
        }

        if (_indexPath is not null)
        {
            try
            {
                return FaissOnDiskIvfIndex.FromTrained((FaissIndex)index, _indexPath);
            }
            catch
            {
                index.Dispose();
                throw;
            }
        }

        return index;
    }

    /// <summary>Reads a snapshot of this plan, or returns null when it does not fit (another width or metric).</summary>
    internal IFaissVectorIndex? Read(string path)
    {
        if (_binary)
        {
            FaissBinaryIndex binary = FaissBinaryIndex.Read(path);
            if (binary.Dimension != _dimensions)
            {
                binary.Dispose();
                return null;
            }

            ApplySearchParameters(binary);
            return binary;
        }

        if (_indexPath is not null)
        {
            FaissOnDiskIvfIndex mapped = FaissOnDiskIvfIndex.OpenSnapshot(path);
            if (mapped.Dimension != _dimensions || mapped.IsInnerProduct != _innerProduct)
            {
                mapped.Dispose();
                return null;
            }

            return mapped;
        }

        FaissIndex index = FaissIndex.Read(path);
        int expected = _firstPass == FaissFirstPass.MatryoshkaPrefix ? _options.TwoStageSearch!.PrefixDimensions : _dimensions;
        if (index.Dimension != expected || index.IsInnerProduct != _innerProduct)
        {
            index.Dispose();
            return null;
        }

        if (_kind == IndexKind.Hnsw && !index.SupportsRemove)
        {
            index.SetHnswEfSearch(_options.HnswEfSearch);
        }

        return _firstPass == FaissFirstPass.MatryoshkaPrefix ? new FaissPrefixIndex(index, _dimensions, _innerProduct) : index;
    }

    private FaissBinaryIndex CreateBinary(float[]? training)
    {
        FaissBinaryIndex index = _kind switch
        {
            IndexKind.Hnsw => FaissBinaryIndex.Create(_dimensions, FaissBinaryIndexKind.Hnsw, _options.HnswM),
            IndexKind.IvfFlat => FaissBinaryIndex.Create(_dimensions, FaissBinaryIndexKind.Ivf, IvfListCount(training!.Length / _dimensions)),
            _ => FaissBinaryIndex.Create(_dimensions, FaissBinaryIndexKind.Flat),
        };
        index.SetSearchParameters(_options.HnswEfConstruction, 0);
        ApplySearchParameters(index);
        return index;
    }

    private void ApplySearchParameters(FaissBinaryIndex index)
        => index.SetSearchParameters(0, _kind == IndexKind.IvfFlat ? _options.IvfProbeCount : _options.HnswEfSearch);

    private IFaissVectorIndex CreateFloat(float[]? training)
    {
        int width = _firstPass == FaissFirstPass.MatryoshkaPrefix ? _options.TwoStageSearch!.PrefixDimensions : _dimensions;
        string description = _firstPass == FaissFirstPass.Int8 ? "IDMap,SQ8" : _kind switch
        {
            IndexKind.Hnsw => $"IDMap,HNSW{_options.HnswM}",
            IndexKind.QuantizedFlat => "IDMap,SQ8",
            IndexKind.IvfFlat => $"IVF{IvfListCount(training!.Length / _dimensions)},Flat",
            _ => "IDMap,Flat",
        };
        FaissIndex index = FaissIndex.Create(width, description, _innerProduct);
        if (_kind == IndexKind.Hnsw && _firstPass != FaissFirstPass.Int8)
        {
            index.SetHnswEfConstruction(_options.HnswEfConstruction);
            index.SetHnswEfSearch(_options.HnswEfSearch);
        }

        return _firstPass == FaissFirstPass.MatryoshkaPrefix ? new FaissPrefixIndex(index, _dimensions, _innerProduct) : index;
    }
}
