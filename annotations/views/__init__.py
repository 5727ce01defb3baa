"""The reviewer workbench's views, function-based and thin: parse with a form, call one
service or selector, render. ``queue`` lists articles, ``articles`` adds them and acts on a
whole article, ``review`` is the review page and its claim panel, ``htmx`` holds the typed
request and the fragment helpers they share."""
