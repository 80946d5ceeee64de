using System.Text;
using System.Text.RegularExpressions;
using Shuqiao.E2E.Pages;

namespace Shuqiao.E2E.Ingestion;

/// <summary>/console/catalog/{code}/upload (上传数据): a file, sent as it is, then the batch page opens.</summary>
public sealed class UploadPage(IPage page, ConsoleSite site) : ConsolePage(page, site)
{
    public ILocator FileInput => Page.GetByLabel("数据文件", new() { Exact = true });

    public async Task ExpectLoadedAsync(string resourceName) =>
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "上传数据: " + resourceName })).ToBeVisibleAsync();

    /// <summary>Chooses a CSV file (UTF-8) and uploads it; the batch page opens.</summary>
    public async Task<BatchPage> UploadCsvAsync(string fileName, string csv)
    {
        await FileInput.SetInputFilesAsync(new FilePayload { Name = fileName, MimeType = "text/csv", Buffer = Encoding.UTF8.GetBytes(csv) });
        await Page.GetByRole(AriaRole.Button, new() { Name = "上传", Exact = true }).ClickAsync();
        await Expect(Page).ToHaveURLAsync(new Regex("/console/batches/[0-9a-f-]{36}$"));
        return new BatchPage(Page, Site);
    }
}

/// <summary>/console/batches/{id} (归集批次): the result, counts and rejected rows.</summary>
public sealed class BatchPage(IPage page, ConsoleSite site) : ConsolePage(page, site)
{
    public ILocator Refused => Page.GetByRole(AriaRole.Alert).Filter(new() { HasTextString = "有错误，未保存任何数据" });

    public ILocator Stored => Page.GetByRole(AriaRole.Status).Filter(new() { HasTextString = "已保存" });

    public ILocator Rejections => Page.GetByRole(AriaRole.Table);

    public ILocator Count(string term) => Page.Locator("#batch-counts dt", new() { HasTextString = term }).Locator("xpath=following-sibling::dd[1]");

    public async Task<UploadPage> UploadAgainAsync()
    {
        await Page.GetByRole(AriaRole.Link, new() { Name = "重新上传" }).ClickAsync();
        return new UploadPage(Page, Site);
    }
}

/// <summary>/console/catalog/{code}/quality (数据质量): the resource's scores by GB/T 36344 dimension.</summary>
public sealed class QualityPage(IPage page, ConsoleSite site) : ConsolePage(page, site)
{
    public async Task<QualityPage> OpenAsync(string slug)
    {
        await Page.GotoAsync($"/console/catalog/{slug}/quality");
        await Expect(Page.GetByRole(AriaRole.Heading, new() { NameRegex = new Regex("数据质量") }).First).ToBeVisibleAsync();
        return this;
    }
}
