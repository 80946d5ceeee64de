using System.Diagnostics;
using System.Globalization;
using System.Text;
using Shuqiao.Core.Catalog;
using Shuqiao.Core.Common;
using Shuqiao.Core.Ingestion;

// The CPU side of one upload of the benchmark's file, phase by phase, on one thread: µs per row.
var rows = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 200_000;
var csv = Generate(rows);
var schema = CompiledSchema.Compile(Fields(), ValueParsingOptions.ForChina(new DateOnly(2026, 11, 21)));
Console.WriteLine($"{rows} rows, {csv.Length / 1048576.0:F1} MiB");

for (var round = 0; round < 3; round++)
{
    Time("decode (UTF-8 StreamReader)", () =>
    {
        using var reader = new StreamReader(new MemoryStream(csv), new UTF8Encoding(false, true), true, 64 * 1024);
        var buffer = new char[64 * 1024];
        long n = 0;
        while (reader.Read(buffer, 0, buffer.Length) is > 0 and var read)
        {
            n += read;
        }

        return n;
    });
    Time("CsvRecords.Read (parse)", () =>
    {
        using var reader = new StreamReader(new MemoryStream(csv), new UTF8Encoding(false, true), true, 64 * 1024);
        return CsvRecords.Read(reader, BatchReader.MaxRowChars).LongCount();
    });
    Time("catalog path (CsvRecords, CheckRow, ToJson, Raw)", () =>
    {
        using var reader = new StreamReader(new MemoryStream(csv), new UTF8Encoding(false, true), true, 64 * 1024);
        var names = schema.Fields.Select(f => f.Name).ToArray();
        long n = 0;
        foreach (var record in CsvRecords.Read(reader, BatchReader.MaxRowChars).Skip(1))
        {
            var cells = new Dictionary<string, string?>(names.Length, StringComparer.Ordinal);
            for (var i = 0; i < names.Length; i++)
            {
                cells[names[i]] = record.Fields[i];
            }

            var check = schema.CheckRow(cells);
            n += check.ToJson(schema.Fields).Length + CsvRecords.Join(record.Fields).Length + BatchReader.Key(check.KeyParts).Length;
        }

        return n;
    });
    Time("RowReader (parse, check, key, payload)", () =>
    {
        using var reader = BatchReader.Open(new MemoryStream(csv), BatchFormat.Csv, new UTF8Encoding(false, true), schema);
        long n = 0;
        while (reader.Read())
        {
            n += reader.Payload.Length + reader.Key.Length;
        }

        return n;
    });
}

void Time(string phase, Func<long> run)
{
    GC.Collect();
    var watch = Stopwatch.StartNew();
    var allocated = GC.GetTotalAllocatedBytes(true);
    var count = run();
    var seconds = watch.Elapsed.TotalSeconds;
    var bytes = GC.GetTotalAllocatedBytes(true) - allocated;
    Console.WriteLine($"  {phase,-48} {seconds * 1e6 / rows,7:F2} µs/row  {rows / seconds,10:F0} rows/s  {bytes / (double)rows,7:F0} B/row allocated  ({count})");
}

static byte[] Generate(int n)
{
    var text = new StringBuilder("id,name,district,amount,count,opened,active,phone,address,updated\n");
    var c = CultureInfo.InvariantCulture;
    for (var i = 1; i <= n; i++)
    {
        text.Append(c, $"R{i:D9},示范企业{i},99010{i % 10},{i % 100000}.{i % 100:D2},{i % 1000},20{i % 25:D2}-{1 + (i % 12):D2}-{1 + (i % 28):D2},{(i % 2 == 1 ? "true" : "false")},1380000{i % 10000:D4},示范市示范路{i % 999}号,2025-06-{1 + (i % 28):D2}T08:{i % 60:D2}:00+08:00\n");
    }

    return Encoding.UTF8.GetBytes(text.ToString());
}

static List<ResourceField> Fields()
{
    ResourceField F(string name, string label, FieldType type, bool required = false, bool key = false) =>
        new(name, label, null, type, null, null, required || key, key, false, DataClassification.General, PersonalInfoKind.None, [], InvalidValueAction.Reject, MaskingRule.None, []);
    return
    [
        F("id", "编号", FieldType.String, key: true), F("name", "名称", FieldType.String, required: true), F("district", "区划", FieldType.String),
        F("amount", "金额", FieldType.Decimal), F("count", "数量", FieldType.Integer), F("opened", "开业日期", FieldType.Date),
        F("active", "有效", FieldType.Boolean), F("phone", "电话", FieldType.String), F("address", "地址", FieldType.String),
        F("updated", "更新时间", FieldType.DateTime),
    ];
}
