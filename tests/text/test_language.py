"""Which messages the tone lexicon reads: Italian is not taken for Portuguese."""

from __future__ import annotations

import pytest

from goodfit.text.language import language_of, language_supported


@pytest.mark.parametrize("text", [
    "Chiudi il ticket e richiamami domani.",  # "il", "e": Italian; "e" is Portuguese too
    "Stai zitto e passami il responsabile.",
    "Tutti voi ma anche il vostro capo.",
])
def test_short_italian_is_read_as_italian(text: str) -> None:
    assert language_of(text) == "it"
    assert language_supported(text)


def test_a_tie_between_a_language_read_and_one_not_read_is_no_clear_evidence() -> None:
    # one Italian word, one Portuguese word: goodfit reads it rather than refuse it
    assert language_supported("Prego, obrigado.")


@pytest.mark.parametrize("text", [
    "Olá, o meu domínio não está a resolver desde ontem. Podem verificar a zona DNS?",
    "Não consigo acessar o meu painel, podem ajudar?",
])
def test_portuguese_is_still_not_read(text: str) -> None:
    assert language_of(text) == "pt"
    assert not language_supported(text)
