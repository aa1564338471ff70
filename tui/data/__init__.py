"""The TUI's data layer: typed kinds (:mod:`.kinds`), the store (:mod:`.store`) and the
palette's jump targets built from it (:mod:`.targets`). Never imports Textual."""
