#pragma once
/// Loading a scenario document with its `include` and `extends` files, and merging them into one document
/// (rules in docs/formats/scenario.md, "Composing scenarios").
#include <string>

#include <socval/model.hpp>

#include "node.hpp"

namespace socval::model::detail {

/// The merged document of a scenario file (the keys include / extends / allow_outside removed).
Node load_document_file(const std::string& path, const ReadOptions& options);

/// The merged document of YAML text; `name` is used as the file name in messages, `base_dir` resolves paths.
Node load_document_text(const std::string& text, const std::string& name, const std::string& base_dir,
                        const ReadOptions& options);

}  // namespace socval::model::detail
