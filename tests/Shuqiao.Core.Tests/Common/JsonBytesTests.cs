using System.Text;
using System.Text.Json;
using Shuqiao.Core.Common;

namespace Shuqiao.Core.Tests.Common;

public sealed class JsonBytesTests
{
    private static readonly JsonWriterOptions Relaxed = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    [Fact]
    public void Writes_what_a_fresh_writer_writes()
    {
        var bytes = JsonBytes.Write("张三", Relaxed, static (writer, name) =>
        {
            writer.WriteStartObject();
            writer.WriteString("name", name);
            writer.WriteNumber("age", 42);
            writer.WriteEndObject();
        });

        Assert.Equal("""{"name":"张三","age":42}""", Encoding.UTF8.GetString(bytes));
    }

    [Fact]
    public void Each_document_stands_alone_though_the_buffer_is_reused()
    {
        var first = JsonBytes.Write("a much longer value than the next one", default, static (writer, s) => writer.WriteStringValue(s));
        var second = JsonBytes.Write("b", default, static (writer, s) => writer.WriteStringValue(s));

        Assert.Equal("\"a much longer value than the next one\"", Encoding.UTF8.GetString(first));
        Assert.Equal("\"b\"", Encoding.UTF8.GetString(second));
    }

    [Fact]
    public void A_document_written_inside_another_does_not_disturb_it()
    {
        var outer = JsonBytes.Write(0, default, static (writer, _) =>
        {
            writer.WriteStartArray();
            writer.WriteStringValue("before");
            var inner = JsonBytes.Write(0, default, static (w, _) => w.WriteStringValue("inner"));
            writer.WriteStringValue(Encoding.UTF8.GetString(inner));
            writer.WriteStringValue("after");
            writer.WriteEndArray();
        });

        Assert.Equal("""["before","\u0022inner\u0022","after"]""", Encoding.UTF8.GetString(outer));
    }

    [Fact]
    public void A_large_document_is_written_whole_and_the_next_small_one_is_right()
    {
        var values = Enumerable.Range(0, 20_000).Select(i => $"值{i}").ToList();
        var large = JsonBytes.Write(values, Relaxed, static (writer, list) =>
        {
            writer.WriteStartArray();
            foreach (var v in list)
            {
                writer.WriteStringValue(v);
            }

            writer.WriteEndArray();
        });
        var small = JsonBytes.Write(1, default, static (writer, n) => writer.WriteNumberValue(n));

        Assert.Equal(values, JsonSerializer.Deserialize<List<string>>(large));
        Assert.Equal("1", Encoding.UTF8.GetString(small));
    }

    [Fact]
    public void A_failed_document_leaves_the_next_one_clean()
    {
        Assert.Throws<InvalidOperationException>(() => JsonBytes.Write(0, default, static (writer, _) =>
        {
            writer.WriteStringValue("half");
            throw new InvalidOperationException("stop");
        }));

        var next = JsonBytes.Write(0, default, static (writer, _) => writer.WriteStringValue("whole"));
        Assert.Equal("\"whole\"", Encoding.UTF8.GetString(next));
    }
}
