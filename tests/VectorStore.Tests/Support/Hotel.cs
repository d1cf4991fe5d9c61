using Microsoft.Extensions.VectorData;

namespace SkEmbeddingGemma.VectorData.Faiss.Tests;

public sealed class Hotel
{
    [VectorStoreKey]
    public int HotelId { get; set; }

    [VectorStoreData(IsIndexed = true)]
    public string? HotelName { get; set; }

    [VectorStoreData]
    public int Rating { get; set; }

    [VectorStoreData]
    public double Price { get; set; }

    [VectorStoreData]
    public bool Parking { get; set; }

    [VectorStoreData]
    public int? Floors { get; set; }

    [VectorStoreData(StorageName = "tags_json")]
    public string[] Tags { get; set; } = [];

    [VectorStoreData]
    public List<int> Rooms { get; set; } = [];

    [VectorStoreData]
    public DateTimeOffset Opened { get; set; }

    [VectorStoreData]
    public Guid Code { get; set; }

    [VectorStoreVector(4)]
    public ReadOnlyMemory<float> Embedding { get; set; }

    public static List<Hotel> Sample()
    {
        string?[] names = ["Grand", "Plaza", "Ritz", "Motel 6", null, "O'Brien's Inn", "Robert'); DROP TABLE c_hotels;--", "ünïcödé", "Grand", "%_like_%"];
        var hotels = new List<Hotel>();
        for (int i = 0; i < names.Length; i++)
        {
            hotels.Add(new Hotel
            {
                HotelId = i + 1,
                HotelName = names[i],
                Rating = i % 5 + 1,
                Price = 50.5 + (i * 17.25),
                Parking = i % 2 == 0,
                Floors = i % 3 == 0 ? null : i,
                Tags = i % 4 == 0 ? ["pool", "spa"] : i % 4 == 1 ? ["gym"] : i % 4 == 2 ? ["pool", "it's \"quoted\""] : [],
                Rooms = [.. Enumerable.Range(100 + i, i % 3 + 1)],
                Opened = new DateTimeOffset(2000 + i, 1 + i, 1, 12, 0, 0, TimeSpan.FromHours(i % 3)),
                Code = new Guid(i + 1, 0, 0, new byte[8]),
                Embedding = new float[] { 1 + i, i % 3, -i, 0.5f * i },
            });
        }

        return hotels;
    }
}
