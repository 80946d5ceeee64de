using Shuqiao.Core.Catalog;
using Shuqiao.Core.Organizations;

namespace Shuqiao.Server.Catalog.Pages;

/// <summary>What the shared editor shows: the form, its errors, and for an edit the resource as it is.</summary>
public sealed record EditorModel(
    ResourceForm Form,
    ResourceFormErrors Errors,
    DataResource? Current,
    IReadOnlyList<Organization> Providers,
    IReadOnlyList<CatalogCategory> Categories,
    string Action);

/// <summary>One field row of the editor and the messages for it.</summary>
public sealed record FieldRowModel(FieldForm Field, int Number, IReadOnlyList<string> Errors);
