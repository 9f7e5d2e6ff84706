from xinqing.settings_doc import DOC, render


def test_configuration_doc_lists_every_setting_as_the_code_declares_it():
    assert DOC.read_text(encoding="utf-8") == render(), "run `python -m xinqing.settings_doc` to regenerate"
