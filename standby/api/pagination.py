from rest_framework.pagination import PageNumberPagination


class StandardPagination(PageNumberPagination):
    """``?page=N&page_size=M`` (at most 1,000 per page)."""

    page_size_query_param = "page_size"
    max_page_size = 1000
