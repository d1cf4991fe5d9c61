using Microsoft.Data.Sqlite;
using Microsoft.Extensions.VectorData;

namespace SkEmbeddingGemma.VectorData.Faiss;

/// <summary>
/// Turns SQLite's failures into the <see cref="VectorStoreException"/> the abstraction defines, for the store and its
/// collections alike, naming the database file (SQLite's own text, such as "file is not a database", names none).
/// </summary>
internal static class FaissSqliteFailure
{
    /// <summary>Runs <paramref name="action"/>, rethrowing a <see cref="SqliteException"/> as a <see cref="VectorStoreException"/>.</summary>
    /// <exception cref="VectorStoreException">SQLite failed; the message names the operation, the file and the collection, if any.</exception>
    public static T Run<T>(string databasePath, string? collection, string operation, Func<T> action)
    {
        try
        {
            return action();
        }
        catch (SqliteException e)
        {
            string where = collection is null ? $"'{databasePath}'" : $"collection '{collection}' of '{databasePath}'";
            throw new VectorStoreException($"SQLite failed during {operation} on {where}: {e.Message}", e)
            {
                VectorStoreSystemName = FaissConstants.VectorStoreSystemName,
                VectorStoreName = databasePath,
                CollectionName = collection,
                OperationName = operation,
            };
        }
    }
}
